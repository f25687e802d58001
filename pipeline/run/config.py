"""Settings from a TOML file, for runs nobody watches (`inspections ingest/schedule --config FILE`).

    [ingest]
    paths = ["/data/letters"]        # folders or files
    db = "outputs/inspections.duckdb"
    workers = 2
    batch_size = 25
    time_limit = 120                 # seconds per document
    memory_limit = 2048              # MB per parser process
    max_bytes = 209715200
    extensions = [".txt", ".pdf", ".docx", ".doc", ".html"]
    reprocess = false

    [schedule]
    cron = "0 2 * * *"
    name = "nightly-ingest"

Flags given on the command line win over the file. Unknown keys are refused, so a typo is an error.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import BadArguments


class IngestSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paths: list[str] = Field(default_factory=list)
    db: str | None = None
    workers: int | None = None
    batch_size: int | None = None
    time_limit: float | None = None
    memory_limit: int | None = None
    max_bytes: int | None = None
    extensions: list[str] | None = None
    reprocess: bool | None = None


class ScheduleSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cron: str | None = None
    name: str = "nightly-ingest"


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ingest: IngestSection = Field(default_factory=IngestSection)
    schedule: ScheduleSection = Field(default_factory=ScheduleSection)


def load_config(path: str | Path | None) -> Config:
    """The config at `path` (an empty Config for None), or BadArguments naming what is wrong."""
    if path is None:
        return Config()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return Config.model_validate(data)
    except OSError as exc:
        raise BadArguments(f"cannot read config {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise BadArguments(f"config {path} is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BadArguments(f"config {path}: {problems}") from exc
