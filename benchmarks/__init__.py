"""Benchmarks: measured, not asserted (run as `python -m benchmarks.<name>`)."""
