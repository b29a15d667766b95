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
from service.demo import load_demo
from tests.server import running_server

MAX_EXAMPLES = os.environ.get("SUPPLIERDEV_FUZZ_EXAMPLES", "10")
SEED = os.environ.get("SUPPLIERDEV_FUZZ_SEED", "20261122")

# The operations in two halves by the tag that starts their operationId; together the halves
# select every operation once.
FIRST_HALF = r"^(accounts|health|notifications|organizations|providers|tenders)_"


@dataclass(frozen=True)
class Run:
    """One schemathesis run: who calls, which operations (a half or all), which phases."""

    email: str
    half: str | None
    phases: str

    @property
    def name(self) -> str:
        role = self.email.split("@")[0]
        return f"{role}-{self.half or 'all'}"


# The administrator reaches every operation: the coverage phase (every boundary case the schema
# defines, the costliest) runs as the administrator, in two halves side by side. The broker and
# the supplier see less and are refused more: they fuzz every operation and follow the links in
# stateful scenarios. The longest runs come first, so that two test workers share them evenly.
RUNS = [
    Run("supplier@demo.supplierdev.org", None, "examples,fuzzing,stateful"),
    Run("broker@demo.supplierdev.org", None, "examples,fuzzing,stateful"),
    Run("admin@demo.supplierdev.org", "include", "examples,coverage,fuzzing,stateful"),
    Run("admin@demo.supplierdev.org", "exclude", "examples,coverage,fuzzing,stateful"),
]


def operation_ids() -> list[str]:
    return [
        operation["operationId"]
        for item in app.openapi()["paths"].values()
        for operation in item.values()
    ]


def selected(half: str | None) -> int:
    """How many operations of the document a half (or None: the whole) selects."""
    first = re.compile(FIRST_HALF)
    return sum(
        half is None or bool(first.match(identifier)) == (half == "include")
        for identifier in operation_ids()
    )


def test_the_halves_cover_every_operation() -> None:
    assert selected("include") + selected("exclude") == selected(None) == len(operation_ids())
    assert selected("include") > 0
    assert selected("exclude") > 0


def test_every_role_of_the_acceptance_runs_the_stateful_phase() -> None:
    stateful = {run.email.split("@")[0] for run in RUNS if "stateful" in run.phases.split(",")}
    assert stateful == {"admin", "broker", "supplier"}


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
    argv = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{base}/openapi.json",
        "--checks",
        "all",
        "--phases",
        run.phases,
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
    ]
    if run.half is not None:
        argv += [f"--{run.half}-operation-id-regex", FIRST_HALF]
    return argv


@pytest.mark.server
@pytest.mark.parametrize("run", RUNS, ids=[run.name for run in RUNS])
def test_schemathesis_finds_no_failure(
    engine: Engine, database_url: str, tmp_path: Path, run: Run
) -> None:
    load_demo()
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
            timeout=900,
        )
    summary = result.stdout[-80000:]
    assert result.returncode == 0, summary
    total = len(operation_ids())
    assert f"Selected: {selected(run.half)}/{total}" in result.stdout, summary
    assert f"Tested: {selected(run.half)}" in result.stdout, summary
    assert "✅ Stateful" in result.stdout, summary
