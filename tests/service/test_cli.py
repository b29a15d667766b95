"""The supplierdev command: users, demo and migrations."""

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from service.accounts.models import User
from service.audits.models import Audit
from service.cli import app
from service.demo import DEMO_LOGINS
from service.engagements.models import Engagement, Participation
from service.programmes.models import Organization, OrganizationKind
from tests.service.test_audit_templates import VALID

runner = CliRunner()


def test_users_create_makes_a_superuser_who_can_log_in(engine: Engine, session: Session) -> None:
    result = runner.invoke(
        app,
        ["users", "create", "--superuser", "--email", "Ops@Example.org", "--full-name", "Ops",
         "--password", "long enough password"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = session.exec(select(User).where(User.email == "ops@example.org")).one()
    assert (user.is_superuser, user.programme_id, user.role) == (True, None, None)


def test_users_create_refuses_a_short_password(engine: Engine, session: Session) -> None:
    result = runner.invoke(
        app, ["users", "create", "--superuser", "--email", "a@example.org", "--full-name", "A",
              "--password", "short"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "at least 12 characters" in result.output
    assert session.exec(select(func.count()).select_from(User)).one() == 0


def test_demo_loads_once_and_prints_one_login_per_role(engine: Engine, session: Session) -> None:
    first = runner.invoke(app, ["demo"])
    second = runner.invoke(app, ["demo"])
    assert first.exit_code == second.exit_code == 0
    assert "Demo programme loaded." in first.output
    assert "Demo programme already present." in second.output
    for role, email, password in DEMO_LOGINS:
        assert f"{role:<11} {email:<34} {password}" in first.output
    buyers = select(func.count()).where(Organization.kind == OrganizationKind.buyer)
    assert session.exec(buyers).one() == 4
    assert session.exec(select(func.count()).select_from(Engagement)).one() == 4
    assert session.exec(select(func.count()).select_from(Participation)).one() == 9
    reviewed = select(func.count()).where(Audit.state == "reviewed", Audit.purpose == "evaluation")
    assert session.exec(reviewed).one() == 9
    states = session.exec(select(Participation.state)).all()
    assert sorted(states) == [
        "conditional_partner",
        "implementing",
        "implementing",
        "not_selected",
        "partner",
        "selected",
        "selected",
        "selected",
        "selected",
    ]
    phases = sorted(session.exec(select(Engagement.phase)).all())
    assert phases == ["completed", "improvement_plans", "round_tables", "supplier_evaluation"]


def test_templates_check_passes_on_the_shipped_files() -> None:
    result = runner.invoke(app, ["templates", "check"])
    assert result.exit_code == 0, result.output
    assert "ok  supplier-evaluation-v1.yaml: supplier-evaluation v1," in result.output


def test_templates_check_reports_file_line_and_message(tmp_path: Path) -> None:
    broken = tmp_path / "mini-v1.yaml"
    broken.write_text(VALID.replace("    weight: 3\n", "    weight: 0\n"), encoding="utf-8")
    result = runner.invoke(app, ["templates", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "mini-v1.yaml:16: sections[0].weight: Input should be greater than 0" in result.output


def test_demo_logins_work(engine: Engine, client) -> None:  # type: ignore[no-untyped-def]
    runner.invoke(app, ["demo"])
    for role, email, password in DEMO_LOGINS:
        response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, role
        me = client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
        )
        assert me.json()["role"] == (None if role == "superuser" else role)
