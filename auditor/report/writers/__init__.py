"""One small writer per output format, each `write(result: RunResult, ...) -> str`."""
