"""Settings from a config file (flags win), and the nightly schedule as a Prefect deployment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import _resolve, app
from pipeline.errors import BadArguments
from pipeline.run.config import load_config

runner = CliRunner()
CONFIG = """
[ingest]
paths = ["corpus"]
db = "outputs/nightly.duckdb"
workers = 1
time_limit = 30
memory_limit = 512
extensions = [".txt", ".pdf"]

[schedule]
cron = "0 2 * * *"
name = "archive-nightly"
"""


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "inspections.toml"
    path.write_text(CONFIG)
    return path


def test_config_fills_what_flags_leave_out_and_flags_win(config):
    paths, db, settings = _resolve(config, None, None, workers=None, time_limit=10.0)
    assert paths == ["corpus"] and db == Path("outputs/nightly.duckdb")
    assert (settings.workers, settings.time_limit, settings.memory_limit_mb) == (1, 10.0, 512)
    assert settings.extensions == frozenset({".txt", ".pdf"})
    paths, db, _ = _resolve(config, [Path("other")], Path("x.duckdb"))
    assert paths == ["other"] and db == Path("x.duckdb")


@pytest.mark.parametrize(
    "text, words",
    [
        ("[ingest]\nworkerz = 2\n", "workerz"),
        ("[ingest]\nworkers = 'two'\n", "workers"),
        ("[ingest\n", "not valid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(BadArguments, match=words):
        load_config(path)


def test_schedule_builds_a_cron_deployment_of_the_ingest_flow(config):
    result = runner.invoke(app, ["schedule", "--config", str(config), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "deployment 'archive-nightly' of flow 'ingest': cron 0 2 * * *" in result.output
    params = json.loads(result.output[result.output.index("{") :])
    assert params["paths"] == [str(Path("corpus").resolve())]
    assert params["settings"]["workers"] == 1 and params["settings"]["time_limit"] == 30


def test_schedule_refuses_a_bad_cron(tmp_path):
    result = runner.invoke(app, ["schedule", str(tmp_path), "--cron", "every night", "--dry-run"])
    assert result.exit_code == 2
    assert "bad schedule" in result.output


def test_ingest_without_paths_or_config_says_what_to_do():
    result = runner.invoke(app, ["ingest", "--no-prefect"])
    assert result.exit_code == 2
    assert "give PATH... or a --config file" in result.output


def test_ad_hoc_flow_runs_skip_heartbeats_and_leave_the_setting_as_it_was(monkeypatch, tmp_path):
    """Prefect joins a heartbeat thread that sleeps in 1 s steps at the end of every run (~0.8 s);
    run_flow turns heartbeats off for its run only (served deployments keep them)."""
    from prefect.settings import get_current_settings

    from pipeline.run import flows

    seen = {}

    def fake_flow(**params):
        seen["heartbeat"] = get_current_settings().flows.heartbeat_frequency
        return params

    monkeypatch.setattr(flows, "ingest_flow", fake_flow)
    before = get_current_settings().flows.heartbeat_frequency
    params = flows.run_flow([str(tmp_path)], str(tmp_path / "x.duckdb"))
    assert params["paths"] == [str(tmp_path)]
    assert before is not None and seen["heartbeat"] is None
    assert get_current_settings().flows.heartbeat_frequency == before
