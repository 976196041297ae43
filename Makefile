# Shortcuts; each target is one documented command.
.PHONY: run test bench console
run:
	python3 scripts/run.py
test:
	python3 scripts/test.py
bench:
	python3 scripts/bench.py
console:
	python3 scripts/run.py console
