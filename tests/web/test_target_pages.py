"""Target pages: a selected supplier's KPI, section and commitment targets agreed at a round
table, a KPI value out of its bounds refused beside the field, a change kept in the history
with its reason, a stale change that keeps the input and shows the newer value, and the page
in a real Chromium with axe-core."""

import re
from datetime import date

import sqlalchemy as sa
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from service.accounts.models import Role
from service.engagements.models import Participation
from service.roundtables.models import RoundTableState
from service.targets.models import Target, TargetKind, TargetRevision
from tests.factories import Tenant, fill_tenant, make_engagement, make_round_table, make_tenant
from tests.service.test_statement_counts import counting, grow_world
from tests.web.conftest import accessible, fresh, sign_in
from workflows import ParticipationState, Phase


def at_round_tables(session: Session) -> Tenant:
    """The tenant's engagement in round_tables, its supplier selected, a round table held."""
    tenant = make_tenant(session, "Alpha")
    tenant.engagement = make_engagement(session, tenant)
    tenant.engagement.phase = Phase.round_tables
    tenant.participation = session.exec(select(Participation)).one()
    tenant.participation.state = ParticipationState.selected
    session.add_all([tenant.engagement, tenant.participation])
    session.commit()
    tenant.round_table = make_round_table(session, tenant)
    tenant.round_table.state = RoundTableState.held
    session.add(tenant.round_table)
    session.commit()
    return tenant


def csrf_of(client: TestClient, url: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get(url).text)
    assert match is not None
    return match.group(1)


def targets_url(tenant: Tenant) -> str:
    assert tenant.engagement is not None
    return f"/engagements/{tenant.engagement.id}/targets"


def record_url(tenant: Tenant) -> str:
    assert tenant.engagement is not None
    return f"/engagements/{tenant.engagement.id}/targets"


def kpi_form(client: TestClient, tenant: Tenant, value: str) -> dict[str, str]:
    assert tenant.round_table is not None
    return {
        "csrf": csrf_of(client, targets_url(tenant)),
        "participation_id": str(tenant.participation.id),  # type: ignore[union-attr]
        "kind": "kpi",
        "round_table_id": str(tenant.round_table.id),
        "kpi": "on_time_delivery",
        "value": value,
        "due_on": "2027-06-30",
    }


def test_a_kpi_target_is_agreed_and_shown_with_its_unit(
    client: TestClient, session: Session
) -> None:
    tenant = at_round_tables(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    answer = client.post(
        record_url(tenant), data=kpi_form(client, tenant, "92,5"), follow_redirects=False
    )
    fresh(session)
    target = session.exec(select(Target)).one()
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{targets_url(tenant)}#target-{target.id}"
    assert (target.kind, target.kpi, target.value, target.due_on) == (
        TargetKind.kpi, "on_time_delivery", "92.5", date(2027, 6, 30),
    )  # fmt: skip
    page = client.get(targets_url(tenant)).text
    assert "On-time delivery</strong>:\n92.5 % · by 2027-06-30" in page


def test_a_section_target_and_a_commitment_are_agreed(client: TestClient, session: Session) -> None:
    tenant = at_round_tables(session)
    assert tenant.round_table is not None
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    csrf = csrf_of(client, targets_url(tenant))
    common = {"csrf": csrf, "round_table_id": str(tenant.round_table.id),
              "participation_id": str(tenant.participation.id)}  # type: ignore[union-attr]  # fmt: skip
    section = {**common, "kind": "audit_section", "section_id": "delivery", "value": "70",
               "due_on": "2027-03-31"}  # fmt: skip
    commitment = {**common, "kind": "commitment", "party": "buyer",
                  "text": "Share a three-month forecast every month"}  # fmt: skip
    assert client.post(record_url(tenant), data=section, follow_redirects=False).status_code == 303
    assert (
        client.post(record_url(tenant), data=commitment, follow_redirects=False).status_code == 303
    )
    fresh(session)
    rows = session.exec(select(Target).order_by(sa.text("created_at"))).all()
    assert [(row.kind, row.section_id, row.value, row.party, row.text) for row in rows] == [
        (TargetKind.audit_section, "delivery", "70", None, None),
        (TargetKind.commitment, None, None, "buyer", "Share a three-month forecast every month"),
    ]


def test_a_kpi_value_out_of_its_bounds_is_refused_beside_the_field_in_spanish(
    client: TestClient, session: Session
) -> None:
    tenant = at_round_tables(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    answer = client.post(
        record_url(tenant), data=kpi_form(client, tenant, "140"), headers={"Accept-Language": "es"}
    )
    assert answer.status_code == 422
    assert "Introduzca un valor de 0 a 100 %." in answer.text
    assert 'value="140"' in answer.text  # the input is kept
    fresh(session)
    assert session.exec(select(Target)).all() == []


def test_a_target_of_a_candidate_that_is_not_selected_is_refused(
    client: TestClient, session: Session
) -> None:
    tenant = at_round_tables(session)
    assert tenant.participation is not None
    tenant.participation.state = ParticipationState.not_selected
    session.add(tenant.participation)
    session.commit()
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    answer = client.post(
        record_url(tenant), data=kpi_form(client, tenant, "95"), headers={"Accept-Language": "es"}
    )
    assert answer.status_code == 409
    assert "<li>las metas se acuerdan solo con proveedores seleccionados</li>" in answer.text
    fresh(session)
    assert session.exec(select(Target)).all() == []


def change(client: TestClient, tenant: Tenant, target: Target, value: str, reason: str) -> object:
    return client.post(
        f"/targets/{target.id}",
        data={"csrf": csrf_of(client, targets_url(tenant)), "version": str(target.version),
              "value": value, "due_on": "2027-09-30", "reason": reason},
        follow_redirects=False,
    )  # fmt: skip


def agreed(client: TestClient, session: Session, tenant: Tenant) -> Target:
    client.post(record_url(tenant), data=kpi_form(client, tenant, "95"))
    fresh(session)
    return session.exec(select(Target)).one()


def test_a_change_keeps_the_previous_value_with_who_and_why(
    client: TestClient, session: Session
) -> None:
    tenant = at_round_tables(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    target = agreed(client, session, tenant)
    answer = change(client, tenant, target, "97", "The buyer raised its requirement")
    assert answer.status_code == 303  # type: ignore[attr-defined]
    fresh(session)
    revision = session.exec(select(TargetRevision)).one()
    assert (revision.version, revision.value, revision.reason) == (
        1, "95", "The buyer raised its requirement",
    )  # fmt: skip
    assert session.get(Target, target.id).value == "97"  # type: ignore[union-attr]
    page = client.get(targets_url(tenant)).text
    assert "Earlier values (1)" in page
    assert "<strong>Broker</strong>: was" in page
    assert "<q>The buyer raised its requirement</q>" in page


def test_a_stale_change_keeps_the_input_and_shows_the_newer_value(
    client: TestClient, session: Session
) -> None:
    tenant = at_round_tables(session)
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    target = agreed(client, session, tenant)
    change(client, tenant, target, "96", "Agreed by phone")
    stale = change(client, tenant, target, "99", "My own reason")  # read at version 1
    assert stale.status_code == 412  # type: ignore[attr-defined]
    text = stale.text  # type: ignore[attr-defined]
    assert 'id="changed"' in text
    assert "96 % · by 2027-09-30" in text  # the newer value
    assert 'value="99"' in text
    assert 'value="My own reason"' in text
    fresh(session)
    assert session.get(Target, target.id).value == "96"  # type: ignore[union-attr]


def test_the_targets_page_issues_as_many_statements_however_many_targets(
    client: TestClient, session: Session, engine: sa.Engine
) -> None:
    tenant = fill_tenant(session, make_tenant(session, "Alpha"))
    client.cookies.set("sd_session", tenant.tokens[Role.broker])
    counts = []
    for copies in (1, 3):
        grow_world(session, tenant, copies)
        for row in session.exec(select(Participation)).all():
            row.state = ParticipationState.selected
            session.add(row)
        session.commit()
        client.get(targets_url(tenant))
        with counting(engine) as statements:
            page = client.get(targets_url(tenant))
        assert page.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_broker_agrees_and_changes_a_target_in_chromium(page: Page, session: Session) -> None:
    tenant = at_round_tables(session)
    sign_in(page, "broker@alpha.test", next_path=targets_url(tenant))
    expect(page.get_by_role("heading", level=1)).to_have_text("Targets")
    accessible(page)
    form = page.locator("#agree form.target-form").first
    form.get_by_label("Supplier").select_option(label="Alpha supplier")
    form.get_by_label("KPI").select_option("lead_time")
    form.get_by_label("Target value").fill("10")
    form.get_by_label("Due on").fill("2027-05-31")
    form.get_by_role("button", name="Agree the target").click()
    expect(page.locator(".cards")).to_contain_text("Lead time")
    expect(page.locator(".cards")).to_contain_text("10 days · by 2027-05-31")
    page.get_by_text("Change this target").click()
    page.locator("input[name=value]").first.fill("8")
    page.get_by_label("Reason for the change").fill("The supplier can do better")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".cards")).to_contain_text("8 days")
    page.get_by_text("Earlier values (1)").click()
    expect(page.locator(".history")).to_contain_text("The supplier can do better")
    accessible(page)
    fresh(session)
    assert session.exec(select(Target.value)).one() == "8"
