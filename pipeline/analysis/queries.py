"""Named queries: read-only SQL files in pipeline/analysis/sql/queries/ with a described, typed header (pure).

Each file starts with comment lines:

    -- description: Themes that recur across documents, most widespread first.
    -- param: provider (text, default '%'): provider name, an ILIKE pattern
    -- param: min_documents (integer, default 2)

and refers to its parameters as `$provider`, `$min_documents`: DuckDB binds them, no value ever
becomes SQL text. A parameter without a default is required. Types: text, integer, double,
boolean, date (YYYY-MM-DD).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.errors import BadArguments

QUERIES_DIR = Path(__file__).parent / "sql" / "queries"

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_DESCRIPTION = re.compile(r"^--\s*description:\s*(?P<text>.+?)\s*$")
_PARAM = re.compile(
    r"^--\s*param:\s*(?P<name>[a-z_][a-z0-9_]*)\s*\(\s*(?P<type>\w+)\s*(?:,\s*default\s+(?P<default>.+?))?\s*\)"
    r"\s*(?::\s*(?P<help>.*?))?\s*$"
)
_PARAM_LINE = re.compile(r"^--\s*param\b")
_PLACEHOLDER = re.compile(r"\$([A-Za-z_]\w*)")
_LINE_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def _boolean(text: str) -> bool:
    low = text.strip().lower()
    if low in _TRUE | _FALSE:
        return low in _TRUE
    raise ValueError(f"not a boolean: {text!r} (true/false)")


CONVERTERS = {"text": str, "integer": int, "double": float, "boolean": _boolean, "date": date.fromisoformat}


@dataclass(frozen=True)
class Param:
    """A declared parameter: its name, type, default (None when required) and help."""

    name: str
    type: str
    default: Any = None
    required: bool = False
    help: str = ""

    def convert(self, text: str) -> Any:
        """A value given on the command line, as its declared type."""
        try:
            return CONVERTERS[self.type](text)
        except ValueError as exc:
            raise BadArguments(f"--param {self.name}: {exc}") from exc

    def describe(self) -> str:
        default = "required" if self.required else f"default {self.default!r}"
        return f"{self.name} ({self.type}, {default})" + (f": {self.help}" if self.help else "")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    params: tuple[Param, ...]
    sql: str
    path: Path

    def bind(self, given: Mapping[str, str]) -> dict[str, Any]:
        """Values for every parameter: given ones converted to their type, the rest defaults."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise BadArguments(f"query {self.name} has no parameter {', '.join(unknown)} (parameters: {known})")
        values: dict[str, Any] = {}
        for p in self.params:
            if p.name in given:
                values[p.name] = p.convert(given[p.name])
            elif p.required:
                raise BadArguments(f"query {self.name} needs --param {p.name}=... ({p.type})")
            else:
                values[p.name] = p.default
        return values


def _literal(text: str, type_: str, where: str) -> Any:
    """A default as written in a header: a quoted string, a number, true/false or NULL."""
    text = text.strip()
    if text.upper() == "NULL":
        return None
    if len(text) >= 2 and text[0] == text[-1] == "'":
        text = text[1:-1].replace("''", "'")
    try:
        return CONVERTERS[type_](text)
    except ValueError as exc:
        raise ValueError(f"{where}: default {text!r} is not a {type_}: {exc}") from exc


def placeholders(sql: str) -> set[str]:
    """The `$name` parameters an SQL text refers to (outside comments and string literals)."""
    return set(_PLACEHOLDER.findall(_STRING.sub("''", _LINE_COMMENT.sub("", sql))))


def parse(text: str, name: str, path: Path | None = None) -> NamedQuery:
    """A named query from its file's text; raises ValueError for a missing or inconsistent header."""
    description = ""
    params: list[Param] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            if stripped:
                break
            continue
        if m := _DESCRIPTION.match(stripped):
            description = m.group("text")
        elif _PARAM_LINE.match(stripped):
            m = _PARAM.match(stripped)
            if not m:
                raise ValueError(f"{name}: bad param line {stripped!r} (-- param: name (type, default value))")
            type_ = m.group("type").lower()
            if type_ not in CONVERTERS:
                raise ValueError(f"{name}: param {m.group('name')}: unknown type {type_!r} ({', '.join(CONVERTERS)})")
            required = m.group("default") is None
            default = None if required else _literal(m.group("default"), type_, f"{name}: {m.group('name')}")
            params.append(Param(m.group("name"), type_, default, required, m.group("help") or ""))
    if not description:
        raise ValueError(f"{name}: the file must start with a '-- description:' line")
    used, declared = placeholders(text), {p.name for p in params}
    if used != declared:
        raise ValueError(f"{name}: parameters used {sorted(used)} differ from those declared {sorted(declared)}")
    return NamedQuery(name, description, tuple(params), text, path or Path(f"{name}.sql"))


def catalogue(folder: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query in the folder, by name (the file's stem)."""
    out: dict[str, NamedQuery] = {}
    for f in sorted(folder.glob("*.sql")):
        if _NAME.match(f.stem):
            out[f.stem] = parse(f.read_text(encoding="utf-8"), f.stem, f)
    return out


def is_name(text: str) -> bool:
    """Whether the text could be a query name (rather than SQL)."""
    return bool(_NAME.match(text.strip()))


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`k=v` strings from --param options as a dict."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadArguments(f"--param {item!r}: expected name=value")
        out[key.strip()] = value
    return out
