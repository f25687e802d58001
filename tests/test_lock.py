"""The install that the README's commands make is the one CI tested: pinned by requirements.lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_make_installs_with_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert "$(STAMP): pyproject.toml requirements.lock" in makefile
    assert "pip install -q -c requirements.lock -e '.[dev]'" in makefile
    assert "\nlock:" in makefile


def test_the_lock_pins_every_dependency_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line!r}"
            pins[_name(name)] = version
    assert wanted <= set(pins), sorted(wanted - set(pins))
