"""Importing workflows pulls in no web, database, PDF or validation library."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = ("fastapi", "sqlalchemy", "sqlmodel", "weasyprint", "pydantic", "service")
PROBE = (
    "import sys, workflows; "
    f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r})))"
)


def test_importing_workflows_loads_no_web_database_or_pdf_library():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


def test_the_import_probe_would_notice_a_forbidden_library():
    probe = PROBE.replace("import sys, workflows;", "import sys, workflows, json;")
    probe = probe.replace("'pydantic'", "'json'")
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout == "['json']\n"
