"""One event a line, as text or JSON. Called from main(), never at import."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

SQL_LOGGERS = ("aiosqlite", "sqlite3")

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(data, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {
            k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")
        }
        if extras:
            line += " " + " ".join(f"{k}={v}" for k, v in extras.items())
        return line.replace("\n", " | ")


def setup_logging(level: str = "INFO", fmt: str = "text", stream: Any = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # discord.py is chatty at INFO about gateway details; keep its warnings.
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.WARNING))
    # We never use voice: its "PyNaCl is not installed" warning is noise.
    logging.getLogger("discord.client").setLevel(logging.ERROR)
    # aiosqlite logs every call at DEBUG with its SQL and values (the hashing key, user
    # hashes, queries): those never go to the log, at any level we are run with.
    for name in SQL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
