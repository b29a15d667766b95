"""Schemathesis against the running service: every operation, every check, no failure."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from service.app import app
from service.demo import load_demo
from tests.server import running_server

FUZZ_ADMIN = "admin@demo.supplierdev.org"
MAX_EXAMPLES = os.environ.get("SUPPLIERDEV_FUZZ_EXAMPLES", "10")
SEED = os.environ.get("SUPPLIERDEV_FUZZ_SEED", "20261122")


@pytest.mark.server
def test_schemathesis_finds_no_failure(engine: Engine, database_url: str, tmp_path: Path) -> None:
    load_demo()
    with running_server(database_url, workers=1) as base:
        command = [
            str(Path(sys.executable).with_name("st")),
            "--config-file",
            str(Path(__file__).with_name("schemathesis.toml")),
            "run",
            f"{base}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
            "--no-color",
            "--generation-database",
            "none",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ]
        env = {
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks",
            "FUZZ_EMAIL": FUZZ_ADMIN,
            "PYTHONPATH": str(Path(__file__).parents[2]),
        }
        result = subprocess.run(
            command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900
        )
    summary = result.stdout[-80000:]
    assert result.returncode == 0, summary
    paths = app.openapi()["paths"]
    total = sum(len(item) for item in paths.values())
    assert f"Selected: {total}/{total}" in result.stdout, summary
    assert f"Tested: {total}" in result.stdout, summary
