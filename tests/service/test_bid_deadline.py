"""The server's clock decides the deadline: a bid one second late is refused with the
deadline in the message, though nothing has closed the tender; and 30 bids racing the
deadline on two worker processes leave none accepted after it."""

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col, select

from service.accounts.models import Role
from service.tenders.models import Bid, BidVersion, Tender
from service.types import utcnow
from tests.server import running_server
from tests.tender_world import API, bid_body, make_tender_world, pass_deadline, published_tender

RACERS = 30
STAGGER = 0.05  # seconds between two bids of the stream


def test_a_bid_one_second_late_is_refused_with_the_deadline(
    client: TestClient, session: Session
) -> None:
    world = make_tender_world(session)
    tender, lot_id = published_tender(client, world)
    pass_deadline(session, tender["id"], seconds=1)
    deadline = session.get(Tender, uuid.UUID(tender["id"]))
    assert deadline is not None
    late = client.put(
        f"{API}/lots/{lot_id}/bid", json=bid_body("5000.00", "late"), headers=world.bidder(0)
    )
    assert late.status_code == 409
    assert late.json()["detail"] == (
        f"the deadline was {deadline.deadline_at.isoformat()}; bids are no longer accepted"
    )
    # No job closed the tender: the clock alone refused the bid.
    admin = world.headers(Role.admin)
    assert client.get(f"{API}/tenders/{tender['id']}", headers=admin).json()["state"] == (
        "published"
    )
    session.rollback()
    assert session.exec(select(Bid)).all() == []


def fire(
    base: str, lot_id: str, tokens: list[str], set_deadline: Callable[[], None]
) -> list[httpx.Response]:
    async def all_at_once() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=RACERS)
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

            async def bid(n: int, token: str) -> httpx.Response:
                await asyncio.sleep(n * STAGGER)  # a stream of bids across the deadline
                return await client.put(
                    f"{API}/lots/{lot_id}/bid",
                    json=bid_body("5000.00", f"racer-{n}"),
                    headers={"Authorization": f"Bearer {token}"},
                )

            for token in tokens[:4]:  # both workers warm, so the stream is not held up
                await client.get(f"{API}/tenders", headers={"Authorization": f"Bearer {token}"})
            set_deadline()
            return list(await asyncio.gather(*(bid(n, t) for n, t in enumerate(tokens))))

    return asyncio.run(asyncio.wait_for(all_at_once(), timeout=120))


@pytest.mark.server
def test_thirty_bids_racing_the_deadline_leave_none_accepted_after_it(
    client: TestClient, session: Session, database_url: str
) -> None:
    world = make_tender_world(session, "Racing", providers=RACERS)
    tender, lot_id = published_tender(client, world)
    tender_id = uuid.UUID(tender["id"])
    with running_server(database_url, workers=2) as base:

        def set_deadline() -> None:
            # Mid-stream: the first bids come before it, the last ones after.
            session.rollback()
            deadline = utcnow() + timedelta(seconds=RACERS * STAGGER)
            session.execute(
                update(Tender).where(col(Tender.id) == tender_id).values(deadline_at=deadline)
            )
            session.commit()

        responses = fire(base, lot_id, world.provider_tokens, set_deadline)
    statuses = Counter(response.status_code for response in responses)
    assert statuses[200] + statuses[409] == RACERS, statuses
    session.rollback()
    deadline = session.exec(select(Tender.deadline_at).where(Tender.id == tender_id)).one()
    refusal = f"the deadline was {deadline.isoformat()}; bids are no longer accepted"
    assert {r.json()["detail"] for r in responses if r.status_code == 409} <= {refusal}
    accepted = session.exec(
        select(BidVersion.submitted_at).join(Bid, col(Bid.id) == BidVersion.bid_id)
    ).all()
    assert len(accepted) == statuses[200]
    assert [at for at in accepted if at >= deadline] == []
