"""Two requests enrolling the same firm at once: the one that loses the race on the unique
folded name gets the same 409 naming the existing organization as the checked path, never a
500, and nothing of it is written."""

import threading
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from service.accounts.models import Role
from service.history import Event
from service.programmes import service as programmes
from service.programmes.models import Organization
from tests.factories import make_tenant

DETAIL = (
    "the programme already has an organization named 'Textiles Río Coco'; names differing "
    "only in case, accents or spacing name the same organization"
)


def counts(session: Session) -> tuple[int, int]:
    session.rollback()
    organizations = session.exec(select(func.count()).select_from(Organization)).one()
    events = session.exec(select(func.count()).select_from(Event)).one()
    return organizations, events


def check_passes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The duplicate check sees nothing the first time, as when the other request commits
    just after it: the insert then meets the unique index."""
    real: Callable[..., None] = programmes.refuse_duplicate_name
    calls: list[int] = []

    def late(*args: object) -> None:
        calls.append(1)
        if len(calls) > 1:
            real(*args)

    monkeypatch.setattr(programmes, "refuse_duplicate_name", late)


def test_a_name_taken_between_the_check_and_the_insert_answers_409_naming_the_firm(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = make_tenant(session, "Race")
    headers = tenant.headers(Role.admin)
    first = client.post(
        "/api/v1/organizations",
        json={"name": "Textiles Río Coco", "kind": "supplier"},
        headers=headers,
    )
    assert first.status_code == 201
    before = counts(session)
    check_passes_once(monkeypatch)
    response = client.post(
        "/api/v1/organizations",
        json={"name": "TEXTILES rio coco", "kind": "supplier"},
        headers=headers,
    )
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == DETAIL
    assert [error["field"] for error in response.json()["errors"]] == ["name"]
    assert counts(session) == before


def test_a_rename_racing_onto_a_taken_name_answers_409_and_keeps_the_old_name(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = make_tenant(session, "Rename race")
    headers = tenant.headers(Role.admin)
    taken = client.post(
        "/api/v1/organizations",
        json={"name": "Textiles Río Coco", "kind": "supplier"},
        headers=headers,
    )
    assert taken.status_code == 201
    supplier = tenant.organizations["supplier"]
    before = counts(session)
    check_passes_once(monkeypatch)
    response = client.patch(
        f"/api/v1/organizations/{supplier.id}",
        json={"name": "textiles rio  coco"},
        headers=headers,
    )
    assert response.status_code == 409, response.text
    assert response.json()["detail"] == DETAIL
    assert counts(session) == before
    session.expire_all()
    stored = session.get(Organization, supplier.id)
    assert stored is not None
    assert stored.name == "Rename race supplier"


def test_concurrent_enrolments_of_one_firm_create_it_once_and_name_it_to_the_others(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Threads")
    headers = tenant.headers(Role.admin)
    names = ["Textiles Río Coco", "textiles rio coco", "TEXTILES RIO COCO", "Textiles Rio Coco"]
    start = threading.Barrier(len(names))
    answers: list[tuple[int, dict[str, object]]] = []

    def enrol(name: str) -> None:
        start.wait()
        response = client.post(
            "/api/v1/organizations", json={"name": name, "kind": "supplier"}, headers=headers
        )
        answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=enrol, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _body in answers)
    assert statuses == [201, 409, 409, 409]
    [winner] = [body["name"] for status, body in answers if status == 201]
    for status, body in answers:
        if status == 409:
            assert body["detail"] == DETAIL.replace("Textiles Río Coco", str(winner))
    session.rollback()
    same = select(func.count()).where(Organization.name_key == "textiles rio coco")
    assert session.exec(same).one() == 1
