"""Bid scores, pure arithmetic.

The price criterion gives the lowest price its whole weight and every other bid
lowest / price × weight. A quality criterion gives each bid the evaluators' mean points
(0-100) as a share of its weight: mean / 100 × weight. A bid's total adds its criteria; each
criterion's score is rounded half up to two decimals before adding. The ranking is by total,
highest first; a tie goes to the lower price, then to the earlier final submission.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: int
    price: bool


@dataclass(frozen=True)
class BidFacts:
    bid_id: uuid.UUID
    price: Decimal
    submitted_at: datetime
    points: dict[str, list[int]]  # quality criterion → each evaluator's points


@dataclass(frozen=True)
class Ranked:
    bid_id: uuid.UUID
    rank: int
    price: Decimal
    scores: dict[str, Decimal]  # criterion → weighted score
    total: Decimal


def _round(value: Decimal) -> Decimal:
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def price_score(lowest: Decimal, price: Decimal, weight: int) -> Decimal:
    """lowest / price × weight: 8000 against a lowest 6000 with weight 40 scores 30.00."""
    return _round(lowest / price * weight)


def quality_score(points: list[int], weight: int) -> Decimal:
    """The evaluators' mean points as a share of the weight: 70 and 80 of weight 30 is 22.50."""
    if not points:
        return Decimal("0.00")
    return _round(Decimal(sum(points)) / len(points) / 100 * weight)


def rank(criteria: list[Criterion], bids: list[BidFacts]) -> list[Ranked]:
    """Every bid's weighted scores and total, best first."""
    if not bids:
        return []
    lowest = min(bid.price for bid in bids)
    scored = []
    for bid in bids:
        scores = {
            c.key: price_score(lowest, bid.price, c.weight)
            if c.price
            else quality_score(bid.points.get(c.key, []), c.weight)
            for c in criteria
        }
        scored.append((bid, scores, sum(scores.values(), Decimal("0.00"))))
    scored.sort(key=lambda row: (-row[2], row[0].price, row[0].submitted_at))
    return [
        Ranked(bid.bid_id, position, bid.price, scores, total)
        for position, (bid, scores, total) in enumerate(scored, start=1)
    ]
