"""Schemathesis against the running service: every operation, every check, no failure, as
the administrator, the demo broker and a demo supplier user, with the stateful phase following
the document's links (`service/openapi_links.py`)."""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from service.app import app
from tests.server import running_server
from tests.snapshots import demo_loaded

MAX_EXAMPLES = os.environ.get("SUPPLIERDEV_FUZZ_EXAMPLES", "10")
SEED = os.environ.get("SUPPLIERDEV_FUZZ_SEED", "20261122")

# The operations in two halves by the tag that starts their operationId; together the halves
# select every operation once.
FIRST_HALF = r"^(accounts|health|notifications|organizations|providers|tenders)_"


ROLES = ("admin", "broker", "supplier")
PHASES = "examples,coverage,fuzzing,stateful"


@dataclass(frozen=True)
class Run:
    """One schemathesis run: who calls (a demo login) and which half of the operations."""

    role: str
    half: str

    @property
    def email(self) -> str:
        return f"{self.role}@demo.supplierdev.org"

    @property
    def name(self) -> str:
        return f"{self.role}-{'first' if self.half == 'include' else 'second'}-half"


# Every role of the acceptance, each over both halves, with every phase: the administrator
# reaches every operation, the broker and the supplier see less and are refused more. The
# second half (engagements to tracking) is the longer one and comes first, so that two test
# workers share the runs evenly.
RUNS = [Run(role, half) for half in ("exclude", "include") for role in ROLES]


def operation_ids() -> list[str]:
    return [
        operation["operationId"]
        for item in app.openapi()["paths"].values()
        for operation in item.values()
    ]


def selected(half: str) -> int:
    """How many operations of the document a half selects."""
    first = re.compile(FIRST_HALF)
    return sum(
        bool(first.match(identifier)) == (half == "include") for identifier in operation_ids()
    )


def test_the_halves_cover_every_operation() -> None:
    assert selected("include") + selected("exclude") == len(operation_ids())
    assert selected("include") > 0
    assert selected("exclude") > 0


def test_the_links_lead_from_a_list_to_a_read_and_from_a_read_to_a_change() -> None:
    paths = app.openapi()["paths"]
    listed = paths["/api/v1/engagements"]["get"]["responses"]["200"]["links"]
    read = paths["/api/v1/engagements/{engagement_id}"]["get"]["responses"]["200"]["links"]
    assert listed["engagements_read"]["parameters"] == {
        "path.engagement_id": "$response.body#/items/0/id"
    }
    assert read["engagements_transition"]["parameters"] == {
        "path.engagement_id": "$request.path.engagement_id",
        "header.If-Match": "$response.header.ETag",
    }


def command(run: Run, base: str, report_dir: Path) -> list[str]:
    return [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{base}/openapi.json",
        "--checks",
        "all",
        "--phases",
        PHASES,
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
        str(report_dir),
        f"--{run.half}-operation-id-regex",
        FIRST_HALF,
    ]


@pytest.mark.server
@pytest.mark.parametrize("run", RUNS, ids=[run.name for run in RUNS])
def test_schemathesis_finds_no_failure(
    engine: Engine, database_url: str, tmp_path: Path, run: Run
) -> None:
    demo_loaded(engine)
    with running_server(database_url, workers=1) as base:
        env = {
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks",
            "FUZZ_EMAIL": run.email,
            "PYTHONPATH": str(Path(__file__).parents[2]),
        }
        result = subprocess.run(
            command(run, base, tmp_path),
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    summary = result.stdout[-80000:]
    assert result.returncode == 0, summary
    total = len(operation_ids())
    assert f"Selected: {selected(run.half)}/{total}" in result.stdout, summary
    assert f"Tested: {selected(run.half)}" in result.stdout, summary
    assert "✅ Stateful" in result.stdout, summary
