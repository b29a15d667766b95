"""Tender rules, each refusal next to its happy path: publishing lists what is missing,
amendments move the deadline and are kept, lots take only "to be tendered" actions, bids
respect the ceiling and the provider's capabilities, withdrawals keep every version,
questions end with their period, and a score sheet covers every bid once."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from service.accounts.models import Role
from service.plans.models import Action
from service.providers.models import ProviderProfile
from service.tenders.models import BidVersion, Tender
from service.types import utcnow
from tests.tender_world import (
    API,
    TenderWorld,
    bid_body,
    lot_body,
    make_tender_world,
    pass_deadline,
    published_tender,
    tender_body,
)


def etag_of(client: TestClient, world: TenderWorld, tender_id: str) -> str:
    return client.get(f"{API}/tenders/{tender_id}", headers=world.headers(Role.admin)).headers[
        "ETag"
    ]


def test_publishing_lists_everything_missing(client: TestClient, session: Session) -> None:
    world = make_tender_world(session)
    admin = world.headers(Role.admin)
    body: dict[str, Any] = {**tender_body(), "open_to_all": False}
    body["criteria"] = [
        {"key": "price", "name": "Price", "weight": 40, "price": True},
        {"key": "team", "name": "Team", "weight": 50},
    ]
    created = client.post(f"{API}/tenders", json=body, headers=admin).json()
    refused = client.post(
        f"{API}/tenders/{created['id']}/transitions/publish",
        headers={**admin, "If-Match": '"1"'},
    )
    assert refused.status_code == 409
    assert refused.json()["blocked_by"] == [
        "Training call 2027 has no lot",
        "the criteria weights add up to 90, not 100",
        "no provider is invited",
    ]


def test_criteria_need_exactly_one_price(client: TestClient, session: Session) -> None:
    world = make_tender_world(session)
    body = {**tender_body()}
    body["criteria"] = [{"key": "team", "name": "Team", "weight": 100}]
    refused = client.post(f"{API}/tenders", json=body, headers=world.headers(Role.admin))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "criteria"


def test_an_amendment_moves_the_deadline_at_least_the_minimum_and_is_kept(
    client: TestClient, session: Session
) -> None:
    world = make_tender_world(session)
    tender, _lot_id = published_tender(client, world)
    admin = world.headers(Role.admin)
    path = f"{API}/tenders/{tender['id']}"
    missing = client.patch(
        path, json={"description": "New scope."}, headers={**admin, "If-Match": '"2"'}
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "summary"
    stale = client.patch(
        path,
        json={"description": "New scope.", "summary": "Scope widened"},
        headers={**admin, "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    amended = client.patch(
        path,
        json={"description": "New scope.", "summary": "Scope widened"},
        headers={**admin, "If-Match": '"2"'},
    )
    assert amended.status_code == 200, amended.text
    before = datetime.fromisoformat(tender["deadline_at"])
    after = datetime.fromisoformat(amended.json()["deadline_at"])
    assert after - before == timedelta(days=7)  # the default policy's least extension
    assert [(a["number"], a["summary"]) for a in amended.json()["amendment_history"]] == [
        (1, "Scope widened")
    ]
    assert amended.json()["description"] == "New scope."


def test_a_lot_takes_only_actions_still_to_be_tendered(
    client: TestClient, session: Session
) -> None:
    world = make_tender_world(session)
    session.execute(
        update(Action)
        .where(col(Action.id) == world.actions[1].id)
        .values(provider_id=world.providers[0].id)
    )
    session.commit()
    admin = world.headers(Role.admin)
    created = client.post(f"{API}/tenders", json=tender_body(), headers=admin).json()
    refused = client.post(
        f"{API}/tenders/{created['id']}/lots", json=lot_body(world), headers=admin
    )
    assert refused.status_code == 409
    assert refused.json()["detail"] == "action 'Quality circles course' is not to be tendered"
    assert refused.json()["errors"][0]["field"] == "action_ids.1"


def test_a_bid_keeps_to_the_ceiling_and_the_providers_capabilities(
    client: TestClient, session: Session
) -> None:
    world = make_tender_world(session)
    _tender, lot_id = published_tender(client, world)
    above = client.put(
        f"{API}/lots/{lot_id}/bid", json=bid_body("9000.01", "x"), headers=world.bidder(0)
    )
    assert above.status_code == 422
    assert above.json()["detail"] == "the price is above the lot's budget ceiling of 9000.00"
    profile = session.get(ProviderProfile, world.providers[1].id)
    assert profile is not None
    profile.categories = ["quality_system"]
    session.add(profile)
    session.commit()
    incapable = client.put(
        f"{API}/lots/{lot_id}/bid", json=bid_body("5000.00", "x"), headers=world.bidder(1)
    )
    assert incapable.status_code == 409
    assert incapable.json()["detail"] == "your registered capabilities do not include training"


def test_withdrawing_keeps_every_version(client: TestClient, session: Session) -> None:
    world = make_tender_world(session)
    _tender, lot_id = published_tender(client, world)
    path = f"{API}/lots/{lot_id}/bid"
    assert client.delete(path, headers=world.bidder(0)).status_code == 404
    client.put(path, json=bid_body("5000.00", "x"), headers=world.bidder(0))
    withdrawn = client.delete(path, headers=world.bidder(0))
    assert withdrawn.json()["withdrawn"] is True
    assert withdrawn.json()["version"] == 2
    session.rollback()
    versions = session.exec(select(BidVersion.number, BidVersion.withdrawn)).all()
    assert sorted(versions) == [(1, False), (2, True)]
    own = client.get(path, headers=world.bidder(0)).json()
    assert [v["contents"].get("price") for v in own["versions"]] == ["5000.00", None]


def test_questions_end_with_the_clarification_period(client: TestClient, session: Session) -> None:
    world = make_tender_world(session)
    tender, _lot_id = published_tender(client, world)
    ended = utcnow() - timedelta(seconds=1)
    session.execute(
        update(Tender)
        .where(col(Tender.id) == uuid.UUID(tender["id"]))
        .values(clarification_ends_at=ended)
    )
    session.commit()
    late = client.post(
        f"{API}/tenders/{tender['id']}/clarifications",
        json={"question": "Too late?"},
        headers=world.bidder(0),
    )
    assert late.status_code == 409
    assert late.json()["detail"] == f"the clarification period ended at {ended.isoformat()}"


def test_a_score_sheet_covers_every_bid_and_quality_criterion_once(
    client: TestClient, session: Session
) -> None:
    world = make_tender_world(session)
    tender, lot_id = published_tender(client, world)
    for n in range(2):
        client.put(
            f"{API}/lots/{lot_id}/bid", json=bid_body("5000.00", f"b{n}"), headers=world.bidder(n)
        )
    admin, broker = world.headers(Role.admin), world.headers(Role.broker)
    client.post(
        f"{API}/tenders/{tender['id']}/evaluators",
        json={"user_id": str(world.tenant.users[Role.broker].id)},
        headers=admin,
    )
    pass_deadline(session, tender["id"])
    client.post(
        f"{API}/tenders/{tender['id']}/transitions/close",
        headers={**admin, "If-Match": etag_of(client, world, tender["id"])},
    )
    undeclared = client.post(
        f"{API}/tenders/{tender['id']}/scores",
        json={"scores": [{"bid_id": str(uuid.uuid4()), "criterion": "team", "points": 1}]},
        headers=broker,
    )
    assert undeclared.status_code == 409
    client.post(
        f"{API}/tenders/{tender['id']}/declarations", json={"statement": "None."}, headers=broker
    )
    opened = client.get(f"{API}/lots/{lot_id}/bids", headers=broker).json()["items"]
    bid_ids = [b["id"] for b in opened]
    partial = [{"bid_id": bid_ids[0], "criterion": "team", "points": 50}]
    refused = client.post(
        f"{API}/tenders/{tender['id']}/scores", json={"scores": partial}, headers=broker
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "score each of the 2 quality criteria of each of the 2 bids exactly once"
    )
    full = [
        {"bid_id": bid_id, "criterion": key, "points": 50}
        for bid_id in bid_ids
        for key in ("approach", "team")
    ]
    accepted = client.post(
        f"{API}/tenders/{tender['id']}/scores", json={"scores": full}, headers=broker
    )
    assert accepted.status_code == 204, accepted.text
    again = client.post(
        f"{API}/tenders/{tender['id']}/scores", json={"scores": full}, headers=broker
    )
    assert again.status_code == 409
