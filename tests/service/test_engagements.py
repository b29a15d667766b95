"""Engagements: creation, listing, candidates, guarded transitions with If-Match, history."""

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service.accounts.models import Role
from service.engagements.models import Engagement, Participation
from service.history import Event
from service.programmes.models import OrganizationKind
from tests.factories import Tenant, make_engagement, make_supplier, make_tenant
from workflows import ParticipationState, Phase

API = "/api/v1/engagements"


def events_of(session: Session, engagement_id: uuid.UUID) -> list[Event]:
    session.rollback()
    statement = (
        select(Event).where(Event.engagement_id == engagement_id).order_by(col(Event.created_at))
    )
    return list(session.exec(statement).all())


def fire(
    client: TestClient,
    tenant: Tenant,
    engagement: Engagement,
    trigger: str,
    version: int,
    role: Role = Role.broker,
    reason: str | None = None,
):  # type: ignore[no-untyped-def]
    body = {"reason": reason} if reason is not None else None
    return client.post(
        f"{API}/{engagement.id}/transitions/{trigger}",
        json=body,
        headers={**tenant.headers(role), "If-Match": f'"{version}"'},
    )


def test_an_admin_opens_an_engagement_at_enrolment_with_an_event(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    body = {
        "buyer_id": str(tenant.organizations[OrganizationKind.buyer].id),
        "broker_id": str(tenant.users[Role.broker].id),
        "title": "Ron Caribe packaging suppliers",
    }
    response = client.post(API, json=body, headers=tenant.headers(Role.admin))
    assert response.status_code == 201
    assert response.headers["etag"] == '"1"'
    created = response.json()
    assert (created["phase"], created["version"], created["buyer_name"]) == (
        "enrolment",
        1,
        "Alpha buyer",
    )
    [event] = events_of(session, uuid.UUID(created["id"]))
    assert (event.kind, event.to_state, event.actor_id) == (
        "created",
        "enrolment",
        tenant.users[Role.admin].id,
    )


def test_the_buyer_must_be_a_buyer_organization(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    body = {"buyer_id": str(tenant.organizations[OrganizationKind.supplier].id), "title": "X"}
    response = client.post(API, json=body, headers=tenant.headers(Role.admin))
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "buyer_id"
    assert session.exec(select(Engagement)).first() is None


def test_the_broker_must_be_a_broker(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    body = {
        "buyer_id": str(tenant.organizations[OrganizationKind.buyer].id),
        "broker_id": str(tenant.users[Role.buyer].id),
        "title": "X",
    }
    response = client.post(API, json=body, headers=tenant.headers(Role.admin))
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "broker_id"


def test_start_evaluation_moves_the_engagement_and_records_one_event(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    response = fire(client, tenant, engagement, "start_evaluation", 1)
    assert response.status_code == 200, response.text
    assert (response.json()["phase"], response.headers["etag"]) == ("supplier_evaluation", '"2"')
    last = events_of(session, engagement.id)[-1]
    assert (last.trigger, last.from_state, last.to_state, last.actor_id) == (
        "start_evaluation",
        "enrolment",
        "supplier_evaluation",
        tenant.users[Role.broker].id,
    )


def test_a_refused_transition_lists_every_unmet_condition_by_name(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, candidates=("Plásticos del Lago",))
    assert fire(client, tenant, engagement, "start_evaluation", 1).status_code == 200
    response = fire(client, tenant, engagement, "convene_round_tables", 2)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["blocked_by"] == [
        "2 candidates have no reviewed evaluation audit: Alpha supplier, Plásticos del Lago",
        "2 candidates have no selection decision: Alpha supplier, Plásticos del Lago",
        "no supplier is selected",
    ]
    session.refresh(engagement)
    assert (engagement.phase, engagement.version) == (Phase.supplier_evaluation, 2)


def test_start_evaluation_without_broker_or_candidates_names_both(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, with_broker=False, include_tenant_supplier=False)
    response = fire(client, tenant, engagement, "start_evaluation", 1, role=Role.admin)
    assert response.status_code == 409
    assert response.json()["blocked_by"] == [
        "no broker is assigned",
        "no active candidate is listed",
    ]


def test_a_missing_if_match_is_428_and_changes_nothing(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    response = client.post(
        f"{API}/{engagement.id}/transitions/start_evaluation", headers=tenant.headers(Role.broker)
    )
    assert response.status_code == 428
    session.refresh(engagement)
    assert engagement.phase == Phase.enrolment


def test_a_stale_if_match_is_412_and_changes_nothing(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    assert (
        fire(client, tenant, engagement, "hold", 1, reason="buyer restructuring").status_code == 200
    )
    response = fire(client, tenant, engagement, "resume", 1)
    assert response.status_code == 412
    session.refresh(engagement)
    assert (engagement.phase, engagement.version) == (Phase.on_hold, 2)


def test_hold_needs_a_reason_and_resume_returns_to_the_held_phase(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    assert fire(client, tenant, engagement, "start_evaluation", 1).status_code == 200
    refused = fire(client, tenant, engagement, "hold", 2)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "reason"
    assert refused.json()["blocked_by"] == ["hold needs a reason"]
    held = fire(client, tenant, engagement, "hold", 2, reason="plant shutdown for a month")
    assert (held.json()["phase"], held.json()["held_phase"]) == ("on_hold", "supplier_evaluation")
    resumed = fire(client, tenant, engagement, "resume", 3)
    assert (resumed.json()["phase"], resumed.json()["held_phase"]) == ("supplier_evaluation", None)
    reasons = [
        event.reason for event in events_of(session, engagement.id) if event.trigger == "hold"
    ]
    assert reasons == ["plant shutdown for a month"]


def test_an_unknown_trigger_is_a_422(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    response = fire(client, tenant, engagement, "teleport", 1)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "trigger"


def test_transitions_list_every_trigger_with_its_blockers(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, with_broker=False)
    response = client.get(f"{API}/{engagement.id}/transitions", headers=tenant.headers(Role.buyer))
    assert response.status_code == 200
    by_trigger = {item["trigger"]: item for item in response.json()}
    assert by_trigger["start_evaluation"] == {
        "trigger": "start_evaluation",
        "allowed": False,
        "dest": "supplier_evaluation",
        "requires_reason": False,
        "blocked_by": ["no broker is assigned"],
    }
    assert by_trigger["hold"]["allowed"] is True
    assert by_trigger["hold"]["requires_reason"] is True
    assert by_trigger["complete"]["dest"] is None


def test_only_the_assigned_broker_or_an_admin_may_fire(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, with_broker=False)
    assert fire(client, tenant, engagement, "hold", 1, reason="x").status_code == 403
    assert (
        fire(client, tenant, engagement, "hold", 1, role=Role.buyer, reason="x").status_code == 403
    )
    assert (
        fire(client, tenant, engagement, "hold", 1, role=Role.admin, reason="x").status_code == 200
    )


def test_candidates_are_added_until_round_tables_start(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, include_tenant_supplier=False)
    supplier = make_supplier(session, tenant, "Etiquetas del Norte")
    headers = {**tenant.headers(Role.broker), "If-Match": '"1"'}
    added = client.post(
        f"{API}/{engagement.id}/participations",
        json={"supplier_id": str(supplier.id)},
        headers=headers,
    )
    assert added.status_code == 201
    assert (added.json()["supplier_name"], added.json()["state"]) == (
        "Etiquetas del Norte",
        "candidate",
    )
    again = client.post(
        f"{API}/{engagement.id}/participations",
        json={"supplier_id": str(supplier.id)},
        headers={**headers, "If-Match": '"2"'},
    )
    assert again.status_code == 409
    engagement.phase = Phase.round_tables
    session.add(engagement)
    session.commit()
    late = make_supplier(session, tenant, "Late Supplier")
    refused = client.post(
        f"{API}/{engagement.id}/participations",
        json={"supplier_id": str(late.id)},
        headers={**headers, "If-Match": '"2"'},
    )
    assert refused.status_code == 409
    assert refused.json()["blocked_by"] == [
        "candidates can only be added in phases enrolment, supplier_evaluation; "
        "the engagement is in round_tables"
    ]


def test_dropping_a_participation_needs_a_reason_and_is_recorded(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    participation = session.exec(select(Participation)).one()
    url = f"{API}/{engagement.id}/participations/{participation.id}/transitions/drop"
    headers = {**tenant.headers(Role.broker), "If-Match": '"1"'}
    assert client.post(url, headers=headers).status_code == 409
    dropped = client.post(url, json={"reason": "closed its plant"}, headers=headers)
    assert dropped.status_code == 200
    assert (dropped.json()["state"], dropped.headers["etag"]) == ("dropped", '"2"')
    last = events_of(session, engagement.id)[-1]
    assert (last.participation_id, last.trigger, last.to_state, last.reason) == (
        participation.id,
        "drop",
        "dropped",
        "closed its plant",
    )


def test_selection_needs_an_evaluated_candidate(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    participation = session.exec(select(Participation)).one()
    response = client.post(
        f"{API}/{engagement.id}/participations/{participation.id}/selection",
        json={"decision": "selected", "reason": "best quality"},
        headers={**tenant.headers(Role.buyer), "If-Match": '"1"'},
    )
    assert response.status_code == 409
    assert response.json()["blocked_by"][0].startswith("select is only possible in state")


def test_selection_of_an_evaluated_candidate_is_recorded_with_its_reason(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    engagement.phase = Phase.supplier_evaluation
    participation = session.exec(select(Participation)).one()
    participation.state = ParticipationState.evaluated
    session.add_all([engagement, participation])
    session.commit()
    response = client.post(
        f"{API}/{engagement.id}/participations/{participation.id}/selection",
        json={"decision": "not_selected", "reason": "capacity too small"},
        headers={**tenant.headers(Role.buyer), "If-Match": '"1"'},
    )
    assert response.status_code == 200
    assert response.json()["state"] == "not_selected"
    last = events_of(session, engagement.id)[-1]
    assert (last.trigger, last.reason, last.actor_id) == (
        "not_select",
        "capacity too small",
        tenant.users[Role.buyer].id,
    )


def test_a_supplier_sees_only_its_own_participation_and_events(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, candidates=("Other Supplier",))
    own_supplier = tenant.organizations[OrganizationKind.supplier].id
    other = session.exec(
        select(Participation).where(Participation.supplier_id != own_supplier)
    ).one()
    dropped = client.post(
        f"{API}/{engagement.id}/participations/{other.id}/transitions/drop",
        json={"reason": "moved abroad"},
        headers={**tenant.headers(Role.broker), "If-Match": '"1"'},
    )
    assert dropped.status_code == 200
    fire(client, tenant, engagement, "hold", 1, reason="holiday season")
    headers = tenant.headers(Role.supplier)
    listed = client.get(f"{API}/{engagement.id}/participations", headers=headers).json()["items"]
    assert [item["supplier_name"] for item in listed] == ["Alpha supplier"]
    assert client.get(f"{API}/{engagement.id}/transitions", headers=headers).status_code == 404
    read = client.get(f"{API}/{engagement.id}", headers=headers)
    assert read.json()["phase"] == "on_hold"
    events = client.get(f"{API}/{engagement.id}/events", headers=headers).json()["items"]
    assert [event["trigger"] for event in events] == ["hold"]
    other_url = f"{API}/{engagement.id}/participations/{other.id}"
    assert client.get(other_url, headers=headers).status_code == 404
    all_events = client.get(f"{API}/{engagement.id}/events", headers=tenant.headers(Role.buyer))
    assert [event["trigger"] for event in all_events.json()["items"]] == ["hold", "drop"]


def test_engagements_list_filters_and_pages(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    first = make_engagement(session, tenant, include_tenant_supplier=False)
    second = make_engagement(session, tenant, include_tenant_supplier=False, with_broker=False)
    second.phase = Phase.supplier_evaluation
    session.add(second)
    session.commit()
    headers = tenant.headers(Role.broker)
    by_phase = client.get(API, params={"phase": "supplier_evaluation"}, headers=headers).json()
    assert [item["id"] for item in by_phase["items"]] == [str(second.id)]
    by_broker = client.get(
        API, params={"broker_id": str(tenant.users[Role.broker].id)}, headers=headers
    ).json()
    assert [item["id"] for item in by_broker["items"]] == [str(first.id)]
    page = client.get(API, params={"limit": 1}, headers=headers).json()
    rest = client.get(
        API, params={"limit": 1, "cursor": page["next_cursor"]}, headers=headers
    ).json()
    assert [page["items"][0]["id"], rest["items"][0]["id"]] == [str(first.id), str(second.id)]
    assert rest["next_cursor"] is None


def test_the_history_lists_actor_time_states_trigger_and_reason(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    fire(client, tenant, engagement, "hold", 1, reason="audit postponed")
    events = client.get(f"{API}/{engagement.id}/events", headers=tenant.headers(Role.buyer)).json()[
        "items"
    ]
    assert [
        (e["trigger"], e["from_state"], e["to_state"], e["reason"], e["actor_name"]) for e in events
    ] == [
        ("hold", "enrolment", "on_hold", "audit postponed", "Broker"),
    ]


def test_workflows_describe_both_machines(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.get("/api/v1/workflows", headers=tenant.headers(Role.observer))
    assert sorted(response.json()) == ["engagement", "participation"]
    assert response.json()["engagement"]["mermaid"].startswith("stateDiagram-v2")


def test_assigning_a_broker_is_an_event(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, with_broker=False)
    broker_id = tenant.users[Role.broker].id
    response = client.patch(
        f"{API}/{engagement.id}",
        json={"broker_id": str(broker_id)},
        headers={**tenant.headers(Role.admin), "If-Match": '"1"'},
    )
    assert response.status_code == 200
    [event] = events_of(session, engagement.id)
    assert (event.kind, event.reason) == ("broker_assigned", str(broker_id))
