"""The chapter as data: model, parser, references, loading and validation."""
