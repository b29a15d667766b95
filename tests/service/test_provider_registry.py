"""The provider registry: capabilities and qualifications kept by the provider or the unit,
and ratings of a done action by its broker and its firm, read by the unit's evaluators."""

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from service.accounts.models import Role
from service.engagements.models import Participation
from service.plans.models import Action, ActionStatus
from service.programmes.models import OrganizationKind
from tests.factories import make_engagement, make_plan, make_tenant

API = "/api/v1"


def test_a_provider_keeps_its_entry_and_the_unit_reads_it(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Registry")
    provider = tenant.organizations[OrganizationKind.provider].id
    own = tenant.headers(Role.provider)
    profile = client.put(
        f"{API}/providers/{provider}/profile",
        json={"categories": ["training", "quality_system"], "sectors": ["Footwear"]},
        headers=own,
    )
    assert profile.status_code == 200, profile.text
    added = client.post(
        f"{API}/providers/{provider}/qualifications",
        json={"name": "ISO 9001 lead auditor", "expires_on": "2028-06-30"},
        headers=own,
    )
    assert added.status_code == 201
    entry = client.get(f"{API}/providers/{provider}", headers=tenant.headers(Role.broker)).json()
    assert entry["categories"] == ["training", "quality_system"]
    assert [(q["name"], q["expires_on"]) for q in entry["qualifications"]] == [
        ("ISO 9001 lead auditor", "2028-06-30")
    ]
    buyers = client.get(f"{API}/providers", headers=tenant.headers(Role.buyer)).json()
    assert buyers == {"items": [], "next_cursor": None}
    own_entries = client.get(f"{API}/providers", headers=own).json()
    assert [item["id"] for item in own_entries["items"]] == [str(provider)]


def test_the_broker_and_the_firm_rate_a_done_action_once_each(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Ratings")
    tenant.engagement = make_engagement(session, tenant)
    tenant.participation = session.exec(
        select(Participation).where(Participation.engagement_id == tenant.engagement.id)
    ).one()
    _plan, action = make_plan(session, tenant)
    path = f"{API}/actions/{action.id}/ratings"
    body = {"timeliness": 4, "quality": 5, "comment": "On time, good material."}
    broker = tenant.headers(Role.broker)
    not_done = client.post(path, json=body, headers=broker)
    assert not_done.status_code == 409
    session.execute(
        update(Action).where(col(Action.id) == action.id).values(status=ActionStatus.done)
    )
    session.commit()
    assert client.post(path, json=body, headers=broker).status_code == 201
    assert client.post(path, json=body, headers=broker).status_code == 409
    firm = client.post(
        path, json={"timeliness": 2, "quality": 3}, headers=tenant.headers(Role.supplier)
    )
    assert firm.status_code == 201, firm.text
    assert client.post(path, json=body, headers=tenant.headers(Role.buyer)).status_code == 403
    provider = tenant.organizations[OrganizationKind.provider].id
    entry = client.get(f"{API}/providers/{provider}", headers=broker).json()
    assert entry["performance"]["actions"] == 1
    assert entry["performance"]["done"] == 1
    assert [
        (r["rater_role"], r["timeliness"], r["quality"]) for r in entry["performance"]["ratings"]
    ] == [("broker", 4, 5), ("firm", 2, 3)]
