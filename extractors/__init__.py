"""Readers and rule-based extractors: files in, `Document`s and `ExtractionRecord`s out."""

EXTRACTOR_VERSION = "0.1.0"
