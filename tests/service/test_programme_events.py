"""GET /programmes/{id}/events: the programme's history for its unit staff, newest first,
keyset-paged and filtered by subject, actor and time; 404 for everyone else."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.engagements import access as engagement_access
from service.history import Event, EventKind, SubjectKind, record_event
from service.programmes import access
from tests.factories import Tenant, make_engagement, make_superuser, make_tenant

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def add_events(session: Session, tenant: Tenant, count: int) -> list[Event]:
    """Events an hour apart from START, alternating organization (by the admin) and user
    (by the broker) subjects; returned newest first."""
    written = []
    for index in range(count):
        by_admin = index % 2 == 0
        actor = tenant.users[Role.admin if by_admin else Role.broker]
        event = record_event(
            session,
            actor_id=actor.id,
            programme_id=tenant.programme.id,
            kind=EventKind.organization if by_admin else EventKind.user,
            subject=(SubjectKind.organization, uuid.uuid4())
            if by_admin
            else (SubjectKind.user, actor.id),
            trigger=f"step_{index}",
        )
        event.created_at = START + timedelta(hours=index)
        written.append(event)
    session.commit()
    return written[::-1]


def url(tenant: Tenant) -> str:
    return f"/api/v1/programmes/{tenant.programme.id}/events"


def triggers(body: dict[str, Any]) -> list[str]:
    return [item["trigger"] for item in body["items"]]


def test_unit_staff_read_the_history_newest_first_with_actor_names(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    add_events(session, tenant, 3)
    response = client.get(url(tenant), headers=tenant.headers(Role.broker))
    assert response.status_code == 200
    body = response.json()
    assert triggers(body) == ["step_2", "step_1", "step_0"]
    assert [item["actor_name"] for item in body["items"]] == ["Admin", "Broker", "Admin"]
    assert body["items"][1]["subject_kind"] == "user"
    assert body["items"][1]["engagement_id"] is None
    assert body["next_cursor"] is None


def test_pages_follow_the_cursor_without_gaps_or_repeats(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    add_events(session, tenant, 5)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        body = client.get(url(tenant), params=params, headers=tenant.headers(Role.admin)).json()
        seen += triggers(body)
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["step_4", "step_3", "step_2", "step_1", "step_0"]
    assert pages == 3


def test_events_of_one_instant_page_by_id(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    events = add_events(session, tenant, 4)
    for event in events:
        event.created_at = START
        session.add(event)
    session.commit()
    expected = [event.trigger for event in sorted(events, key=lambda e: e.id, reverse=True)]
    first = client.get(url(tenant), params={"limit": 3}, headers=tenant.headers(Role.admin)).json()
    rest = client.get(
        url(tenant),
        params={"limit": 3, "cursor": first["next_cursor"]},
        headers=tenant.headers(Role.admin),
    ).json()
    assert triggers(first) + triggers(rest) == expected
    assert rest["next_cursor"] is None


def test_filters_by_subject_kind_actor_and_time(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    add_events(session, tenant, 6)
    headers = tenant.headers(Role.admin)

    def listed(**params: str) -> list[str]:
        response = client.get(url(tenant), params=params, headers=headers)
        assert response.status_code == 200, response.text
        return triggers(response.json())

    assert listed(subject_kind="user") == ["step_5", "step_3", "step_1"]
    assert listed(actor_id=str(tenant.users[Role.admin].id)) == ["step_4", "step_2", "step_0"]
    since, until = (
        (START + timedelta(hours=2)).isoformat(),
        (START + timedelta(hours=4)).isoformat(),
    )
    assert listed(since=since, until=until) == ["step_3", "step_2"]
    assert listed(since="2026-03-01T09:00:00-05:00") == ["step_5", "step_4", "step_3", "step_2"]
    assert listed(subject_kind="organization", until=until) == ["step_2", "step_0"]
    assert listed(since=until, until=since) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("subject_kind", "spaceship"),
        ("actor_id", "not-a-uuid"),
        ("since", "2026-03-01T12:00:00"),
        ("until", "yesterday"),
        ("until", "0.5"),
        ("since", "1700000000"),
        ("cursor", "12-zz"),
    ],
)
def test_a_bad_filter_is_a_422_naming_it(
    client: TestClient, session: Session, name: str, value: str
) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.get(url(tenant), params={name: value}, headers=tenant.headers(Role.admin))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [name]


def test_engagement_events_are_part_of_the_programme_history(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    record_event(
        session,
        actor_id=tenant.users[Role.broker].id,
        programme_id=tenant.programme.id,
        kind=EventKind.transition,
        subject=(SubjectKind.engagement, engagement.id),
        engagement_id=engagement.id,
        trigger="hold",
    )
    session.commit()
    body = client.get(
        url(tenant), params={"subject_kind": "engagement"}, headers=tenant.headers(Role.admin)
    ).json()
    assert [(item["trigger"], item["engagement_id"]) for item in body["items"]] == [
        ("hold", str(engagement.id))
    ]


@pytest.mark.parametrize("role", [Role.buyer, Role.supplier, Role.provider, Role.observer])
def test_firms_and_observers_find_no_such_programme_history(
    client: TestClient, session: Session, role: Role
) -> None:
    tenant = make_tenant(session, "Alpha")
    add_events(session, tenant, 1)
    response = client.get(url(tenant), headers=tenant.headers(role))
    assert response.status_code == 404
    assert response.json()["detail"] == "no such programme"


@pytest.mark.parametrize("role", [Role.admin, Role.broker])
def test_another_programmes_staff_find_no_such_programme_history(
    client: TestClient, session: Session, role: Role
) -> None:
    tenant, foreign = make_tenant(session, "Alpha"), make_tenant(session, "Beta")
    add_events(session, tenant, 1)
    response = client.get(url(tenant), headers=foreign.headers(role))
    assert response.status_code == 404


def test_a_superuser_reads_any_programme_history(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    add_events(session, tenant, 2)
    _root, token = make_superuser(session)
    response = client.get(url(tenant), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert triggers(response.json()) == ["step_1", "step_0"]


def test_only_this_programmes_events_are_listed(client: TestClient, session: Session) -> None:
    tenant, foreign = make_tenant(session, "Alpha"), make_tenant(session, "Beta")
    add_events(session, tenant, 1)
    add_events(session, foreign, 2)
    response = client.get(url(tenant), headers=tenant.headers(Role.admin))
    assert triggers(response.json()) == ["step_0"]


def test_every_history_reader_sees_every_engagement_so_no_engagement_event_leaks() -> None:
    assert access.READS_HISTORY <= engagement_access.READS_ALL
