"""Throughput benchmark of the ingest pipeline against the bare floors of its readers (bench/run.py)."""
