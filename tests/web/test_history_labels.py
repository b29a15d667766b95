"""Every event the service records reads as words in the history: each trigger found in the
code has a past-tense label, and the engagement page shows them in the user's language."""

import re
from datetime import UTC, datetime
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.history import EventKind
from service.web.labels import EVENT_KINDS, HAPPENED
from service.web.templating import environment
from tests.factories import make_plan, make_plan_ready, make_tenant
from tests.web.event_triggers import recorded_triggers, workflow_triggers


def test_the_code_is_read_for_triggers_of_every_kind() -> None:
    found = recorded_triggers()
    assert workflow_triggers() <= found
    assert {"add_evidence", "edit_action", "record_final_kpis", "create_user"} <= found
    assert {"record_no_partnership", "enable_user", "disable_user", "open_programme"} <= found


def test_every_trigger_recorded_anywhere_has_a_readable_label() -> None:
    assert sorted(recorded_triggers() - set(HAPPENED)) == []


def test_every_label_names_a_trigger_the_code_records() -> None:
    plain = {key.split(".")[-1] for key in HAPPENED}
    assert sorted(plain - recorded_triggers()) == []


def test_every_event_kind_has_a_label() -> None:
    assert set(EVENT_KINDS) == {kind.value for kind in EventKind}


def test_the_engagement_history_shows_an_action_change_in_spanish_without_trigger_names(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    make_plan_ready(session, tenant)
    _plan, action = make_plan(session, tenant)
    headers = {**tenant.headers(Role.broker), "If-Match": '"1"'}
    changed = client.patch(f"/api/v1/actions/{action.id}", json={"title": "New"}, headers=headers)
    assert changed.status_code == 200
    assert tenant.engagement is not None
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    page = client.get(f"/engagements/{tenant.engagement.id}", headers={"Accept-Language": "es"})
    assert page.status_code == 200
    assert "Acción modificada" in page.text
    assert "edit_action" not in page.text


def test_the_history_names_the_states_of_plans_audits_and_round_tables_in_words() -> None:
    moves = [("submitted", "approved"), ("approved", "in_progress"), ("scheduled", "held")]
    events = [
        SimpleNamespace(
            created_at=datetime(2026, 7, 28, 17, tzinfo=UTC), actor_name="Ana", kind="plan",
            trigger="approved", from_state=old, to_state=new, reason=None,
        )
        for old, new in moves
    ]  # fmt: skip
    text = environment("es").get_template("events.html").render(events=events)
    assert re.findall(r"\((\w[\w ]*) → (\w[\w ]*)\)", text) == [
        ("Enviada", "Aprobado"),
        ("Aprobado", "En curso"),
        ("Programada", "Celebrada"),
    ]
