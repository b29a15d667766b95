"""Clients generated from /openapi.json: the Python client (openapi-python-client) and the
TypeScript types (openapi-typescript, then tsc) build without a warning, and Redocly's
`recommended` rules find no error. The npm tools live in tests/clients (installed by .ci/run
with `npm ci`, from its lock file)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from service.app import app

CLIENTS = Path(__file__).parents[1] / "clients"
BIN = CLIENTS / "node_modules" / ".bin"
# Media types the Python client reads as files (it only knows the generic one by name).
PYTHON_CLIENT_CONFIG = {
    "content_type_overrides": {
        "application/pdf": "application/octet-stream",
        "text/calendar": "application/octet-stream",
    },
    "post_hooks": [],
}
USAGE = """import type { components, operations } from "./api";

type Engagement = components["schemas"]["EngagementPublic"];
type Transition = operations["engagements_transition"];
const phase: Engagement["phase"] = "enrolment";
const ifMatch: Transition["parameters"]["header"]["If-Match"] = '"3"';
export const used = [phase, ifMatch];
"""
TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "ES2022",
        "module": "ESNext",
        "moduleResolution": "Bundler",
    },
    "files": ["api.d.ts", "usage.ts"],
}


def write_spec(folder: Path) -> Path:
    path = folder / "openapi.json"
    path.write_text(json.dumps(app.openapi()))
    return path


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "REDOCLY_TELEMETRY": "off",
        "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    }
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_python_client_generates_without_a_warning(tmp_path: Path) -> None:
    spec = write_spec(tmp_path)
    config = tmp_path / "config.json"
    config.write_text(json.dumps(PYTHON_CLIENT_CONFIG))
    generator = str(Path(sys.executable).with_name("openapi-python-client"))
    result = run(
        [
            generator,
            "generate",
            "--path",
            str(spec),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "client"),
        ],
        tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output
    assert (tmp_path / "client" / "api" / "engagements" / "engagements_transition.py").is_file()


def test_redocly_recommended_finds_no_error(tmp_path: Path) -> None:
    spec = write_spec(tmp_path)
    result = run(
        [str(BIN / "redocly"), "lint", "--extends", "recommended", "--format", "json", str(spec)],
        tmp_path,
    )
    report = json.loads(result.stdout[result.stdout.index("{") :])
    errors = [problem for problem in report["problems"] if problem["severity"] == "error"]
    assert errors == [], json.dumps(errors, indent=1)[:5000]
    assert result.returncode == 0, result.stderr[-3000:]


def test_the_typescript_types_compile(tmp_path: Path) -> None:
    spec = write_spec(tmp_path)
    generated = run(
        [str(BIN / "openapi-typescript"), str(spec), "-o", str(tmp_path / "api.d.ts")], tmp_path
    )
    assert generated.returncode == 0, generated.stderr
    assert "warn" not in generated.stderr.lower(), generated.stderr
    (tmp_path / "usage.ts").write_text(USAGE)
    (tmp_path / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    compiled = run([str(BIN / "tsc"), "-p", str(tmp_path / "tsconfig.json")], tmp_path)
    assert compiled.returncode == 0, compiled.stdout[-5000:]
