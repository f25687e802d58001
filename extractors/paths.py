"""File paths as text: what the database, the JSON records and the messages hold."""

from __future__ import annotations


def path_text(path: str) -> str:
    """A path as text that can be stored and printed: itself, unless it holds bytes that are not
    UTF-8 (a name from a legacy share or zip: Python keeps them as lone surrogates, which no UTF-8
    column or file accepts); those are written as backslash escapes ("caf\\xe9.pdf"). The same path
    always gives the same text, so a rerun finds what it stored."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
