"""Schemathesis against the running service: every operation, every check, no failure."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from service.app import app
from tests.server import running_server
from tests.snapshots import demo_loaded

FUZZ_ADMIN = "admin@demo.supplierdev.org"
MAX_EXAMPLES = os.environ.get("SUPPLIERDEV_FUZZ_EXAMPLES", "10")
SEED = os.environ.get("SUPPLIERDEV_FUZZ_SEED", "20261122")


# The operations in two halves by the tag that starts their operationId, so that two test
# workers fuzz them side by side; together the halves select every operation once.
FIRST_HALF = r"^(accounts|health|notifications|organizations|providers|tenders)_"


def selected(half: str) -> int:
    """How many operations of the document a half selects."""
    first = re.compile(FIRST_HALF)
    return sum(
        bool(first.match(operation["operationId"])) == (half == "include")
        for item in app.openapi()["paths"].values()
        for operation in item.values()
    )


def test_the_halves_cover_every_operation() -> None:
    total = sum(len(item) for item in app.openapi()["paths"].values())
    assert selected("include") + selected("exclude") == total
    assert selected("include") > 0
    assert selected("exclude") > 0


@pytest.mark.server
@pytest.mark.parametrize("half", ["include", "exclude"])
def test_schemathesis_finds_no_failure(
    engine: Engine, database_url: str, tmp_path: Path, half: str
) -> None:
    demo_loaded(engine)
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
            f"--{half}-operation-id-regex",
            FIRST_HALF,
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
    total = sum(len(item) for item in app.openapi()["paths"].values())
    assert f"Selected: {selected(half)}/{total}" in result.stdout, summary
    assert f"Tested: {selected(half)}" in result.stdout, summary
