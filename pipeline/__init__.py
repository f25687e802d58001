"""Orchestration and storage: discover files, run the extractors, load DuckDB, answer queries."""
