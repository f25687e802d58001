"""Prefect's settings, set in the environment before prefect is first imported (it reads them then).

Defaults follow shared/FACTS.md: a PREFECT_HOME we own (not ~/.prefect), a temporary local
server instead of a configured API, no telemetry, a start-up timeout above the 20 s default,
and only warnings in the log so the CLI's own output stays readable. Values already set in the
environment win, so a user can point at a real server (PREFECT_API_URL) or another home.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

STARTUP_TIMEOUT_SECONDS = 90


def default_home() -> Path:
    """INSPECTIONS_PREFECT_HOME, else $XDG_CACHE_HOME/inspections/prefect (~/.cache/...)."""
    if home := os.environ.get("INSPECTIONS_PREFECT_HOME"):
        return Path(home)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "inspections" / "prefect"


def configure_prefect() -> dict[str, str]:
    """Set Prefect's environment (without overriding what the user set); returns what was set."""
    if "prefect" in sys.modules and not os.environ.get("PREFECT_HOME"):
        # Too late to move PREFECT_HOME; say so rather than silently writing to ~/.prefect.
        print("warning: prefect was imported before pipeline.prefect_env configured it", file=sys.stderr)
    wanted = {
        "PREFECT_HOME": str(default_home()),
        "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "true",  # the pre-3.1 name of the next setting
        "PREFECT_SERVER_EPHEMERAL_ENABLED": "true",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(STARTUP_TIMEOUT_SECONDS),
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    }
    applied = {}
    for key, value in wanted.items():
        if key not in os.environ:
            os.environ[key] = value
            applied[key] = value
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    return applied
