"""A plan's two "to be tendered" actions go through a tender: one lot, a clarification,
three bids, two evaluators, award, standstill; the actions then carry the winner and the
contracted price, and the plan's and the programme's costs follow."""

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from service.accounts.models import Role
from service.history import Event, SubjectKind
from service.plans.models import Action, FundingShare
from tests.tender_world import (
    API,
    bid_body,
    make_tender_world,
    pass_deadline,
    pass_standstill,
    published_tender,
)

PRICES = ("6000.00", "8000.00", "7500.00")


def paged(client: TestClient, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """A list read one item a page, following each next_cursor to the end."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 1}
    while True:
        page = client.get(f"{API}{path}", params=params, headers=headers).json()
        assert len(page["items"]) <= 1
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        params["cursor"] = page["next_cursor"]


def test_a_tender_awards_a_lot_and_the_plan_actions_carry_the_winner_and_its_price(
    client: TestClient, session: Session
) -> None:
    world = make_tender_world(session)
    admin = world.headers(Role.admin)
    broker = world.headers(Role.broker)
    broker2 = {"Authorization": f"Bearer {world.second_broker_token}"}
    programme_id = world.tenant.programme.id
    engagement_id = world.tenant.engagement.id  # type: ignore[union-attr]
    costs_before = client.get(f"{API}/programmes/{programme_id}/costs", headers=admin).json()
    assert costs_before["planned"] == "4000.00"

    assert client.put(
        f"{API}/programmes/{programme_id}/tender-policy",
        json={"standstill_days": 10, "amendment_extension_days": 7},
        headers=admin,
    ).json() == {
        "programme_id": str(programme_id),
        "standstill_days": 10,
        "amendment_extension_days": 7,
    }
    tender, lot_id = published_tender(client, world)
    tender_id = tender["id"]
    assert tender["state"] == "published"

    # A clarification: asked by one bidder, answered for all, without saying who asked.
    asked = client.post(
        f"{API}/tenders/{tender_id}/clarifications",
        json={"question": "May the courses be given on Saturdays?"},
        headers=world.bidder(1),
    )
    assert asked.status_code == 201, asked.text
    answered = client.post(
        f"{API}/tenders/{tender_id}/clarifications/{asked.json()['id']}/answer",
        json={"answer": "Yes, if the supplier agrees."},
        headers=admin,
    )
    assert answered.status_code == 200, answered.text
    seen_by_other = client.get(
        f"{API}/tenders/{tender_id}/clarifications", headers=world.bidder(2)
    ).json()["items"]
    assert [(c["question"], c["answer"], c["asked_by"]) for c in seen_by_other] == [
        ("May the courses be given on Saturdays?", "Yes, if the supplier agrees.", None)
    ]

    # Three bids; the first bidder amends its bid, and every version is kept.
    for n, price in enumerate(("6500.00", *PRICES[1:])):
        submitted = client.put(
            f"{API}/lots/{lot_id}/bid",
            json=bid_body(price, f"of bidder {n}"),
            headers=world.bidder(n),
        )
        assert submitted.status_code == 200, submitted.text
    amended = client.put(
        f"{API}/lots/{lot_id}/bid", json=bid_body(PRICES[0], "of bidder 0"), headers=world.bidder(0)
    )
    assert amended.json()["version"] == 2
    own = client.get(f"{API}/lots/{lot_id}/bid", headers=world.bidder(0)).json()
    assert [v["contents"]["price"] for v in own["versions"]] == ["6500.00", "6000.00"]

    # Evaluators are assigned; the deadline passes; the tender closes and the bids open.
    for user_id in (world.tenant.users[Role.broker].id, world.second_broker_id):
        assigned = client.post(
            f"{API}/tenders/{tender_id}/evaluators", json={"user_id": str(user_id)}, headers=admin
        )
        assert assigned.status_code == 204, assigned.text
    pass_deadline(session, tender_id)
    late = client.put(
        f"{API}/lots/{lot_id}/bid", json=bid_body("100.00", "late"), headers=world.bidder(2)
    )
    assert late.status_code == 409
    version = client.get(f"{API}/tenders/{tender_id}", headers=admin).headers["ETag"]
    closed = client.post(
        f"{API}/tenders/{tender_id}/transitions/close", headers={**admin, "If-Match": version}
    )
    assert closed.json()["state"] == "closed", closed.text

    # An evaluator reads no bid before declaring no conflict of interest.
    assert client.get(f"{API}/lots/{lot_id}/bids", headers=broker).status_code == 403
    sheets = {}
    for headers in (broker, broker2):
        declared = client.post(
            f"{API}/tenders/{tender_id}/declarations",
            json={"statement": "I have no tie to any bidder."},
            headers=headers,
        )
        assert declared.status_code == 201, declared.text
        opened = client.get(f"{API}/lots/{lot_id}/bids", headers=headers).json()["items"]
        assert sorted(b["versions"][0]["contents"]["price"] for b in opened) == sorted(PRICES)
        sheets[headers["Authorization"]] = {b["organization_name"]: b["id"] for b in opened}
    # Approach and team points per bidder, evaluator 1 then evaluator 2.
    points = {
        "Consultora 1": ((70, 80), (60, 60)),
        "Consultora 2": ((90, 90), (80, 100)),
        "Consultora 3": ((80, 60), (70, 70)),
    }
    for e, headers in enumerate((broker, broker2)):
        ids = sheets[headers["Authorization"]]
        scores = [
            {"bid_id": ids[name], "criterion": criterion, "points": points[name][c][e]}
            for name in points
            for c, criterion in enumerate(("approach", "team"))
        ]
        submitted = client.post(
            f"{API}/tenders/{tender_id}/scores", json={"scores": scores}, headers=headers
        )
        assert submitted.status_code == 204, submitted.text
        if e == 0:  # the first evaluator's scores stay hidden from the second
            hidden = client.get(f"{API}/tenders/{tender_id}/scores", headers=broker2).json()
            assert hidden == {"items": [], "next_cursor": None}

    ranking = client.get(f"{API}/lots/{lot_id}/ranking", headers=broker).json()["items"]
    # price: 6000/price × 40; approach: mean/100 × 35; team: mean/100 × 25.
    # Consultora 1: 40.00 + 26.25 + 15.00 = 81.25
    # Consultora 2: 30.00 + 31.50 + 22.50 = 84.00
    # Consultora 3: 32.00 + 24.50 + 17.50 = 74.00
    assert [(r["organization_name"], r["total"]) for r in ranking] == [
        ("Consultora 2", "84.00"),
        ("Consultora 1", "81.25"),
        ("Consultora 3", "74.00"),
    ]
    # Each of the tender's lists, read a row a page, holds every row once, in its order.
    assert paged(client, f"/lots/{lot_id}/ranking", broker) == ranking
    bids = paged(client, f"/lots/{lot_id}/bids", broker)
    assert [b["organization_name"] for b in bids] == [
        "Consultora 1",
        "Consultora 2",
        "Consultora 3",
    ]
    evaluators = paged(client, f"/tenders/{tender_id}/evaluators", admin)
    assert sorted(e["user_id"] for e in evaluators) == sorted(
        str(user_id) for user_id in (world.tenant.users[Role.broker].id, world.second_broker_id)
    )
    assert [e["name"] for e in evaluators] == sorted(e["name"] for e in evaluators)
    scores = paged(client, f"/tenders/{tender_id}/scores", broker)
    assert [s["criterion"] for s in scores] == ["approach"] * 6 + ["team"] * 6
    assert len({s["id"] for s in scores}) == 12
    etag = client.get(f"{API}/tenders/{tender_id}", headers=admin).headers["ETag"]
    evaluated = client.post(
        f"{API}/tenders/{tender_id}/transitions/complete_evaluation",
        headers={**admin, "If-Match": etag},
    )
    assert evaluated.json()["state"] == "evaluated", evaluated.text
    decided = client.post(
        f"{API}/lots/{lot_id}/decision",
        json={"bid_id": ranking[0]["bid_id"], "rationale": "Best weighted total."},
        headers=admin,
    )
    assert decided.json()["outcome"] == "awarded", decided.text
    awarded = client.post(
        f"{API}/tenders/{tender_id}/transitions/award",
        headers={**admin, "If-Match": evaluated.headers["ETag"]},
    )
    assert awarded.json()["state"] == "awarded", awarded.text

    # The standstill holds the award back; then it takes effect on the plan.
    early = client.post(f"{API}/tenders/{tender_id}/contracts", headers=admin)
    assert early.status_code == 409
    assert early.json()["detail"] == (
        f"the standstill period runs until {awarded.json()['standstill_ends_at'].replace('Z', '+00:00')}"
    )
    pass_standstill(session, tender_id)
    contracted = client.post(f"{API}/tenders/{tender_id}/contracts", headers=admin)
    assert contracted.status_code == 200, contracted.text

    session.rollback()
    session.expire_all()
    winner = world.providers[1].id
    actions = session.exec(
        select(Action).where(col(Action.id).in_([a.id for a in world.actions]))
    ).all()
    assert sorted((a.title, a.provider_id, a.estimated_cost) for a in actions) == [
        ("Lean basics course", winner, Decimal("6000.00")),
        ("Quality circles course", winner, Decimal("2000.00")),
    ]
    shares = session.exec(
        select(FundingShare.payer, FundingShare.percent).where(
            col(FundingShare.action_id).in_([a.id for a in world.actions])
        )
    ).all()
    assert sorted((p.value, str(s)) for p, s in shares) == [
        ("donor", "60.00"),
        ("donor", "60.00"),
        ("firm", "40.00"),
        ("firm", "40.00"),
    ]
    awards = session.exec(
        select(Event.reason).where(
            Event.engagement_id == engagement_id,
            Event.subject_kind == SubjectKind.action,
            Event.trigger == "award",
        )
    ).all()
    assert len(awards) == 2
    plan_costs = client.get(f"{API}/engagements/{engagement_id}/costs", headers=admin).json()
    assert plan_costs["planned"] == "8000.00"
    programme_costs = client.get(f"{API}/programmes/{programme_id}/costs", headers=admin).json()
    assert programme_costs["planned"] == "8000.00"
    assert [(row["key"], row["planned"]) for row in programme_costs["by_payer"]] == [
        ("donor", "4800.00"),
        ("firm", "3200.00"),
    ]
    # Each bidder sees its own scores and the winning price; the supplier its provider.
    result = client.get(f"{API}/lots/{lot_id}/result", headers=world.bidder(0)).json()
    assert result == {
        "lot_id": lot_id,
        "outcome": "awarded",
        "your_rank": 2,
        "your_scores": {"price": "40.00", "approach": "26.25", "team": "15.00"},
        "your_total": "81.25",
        "winning_price": "8000.00",
    }
