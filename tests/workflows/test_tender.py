"""The tender machine, as a table: each trigger from each state, with the exact reasons."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from workflows import (
    ReasonRequired,
    TenderSnapshot,
    TenderState,
    TransitionRefused,
    apply_to_tender,
    available_for_tender,
)

S = TenderState
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
DEADLINE = datetime(2027, 3, 15, 17, 0, tzinfo=UTC)
READY = TenderSnapshot(
    "Training call 2027",
    S.draft,
    NOW,
    deadline_at=DEADLINE,
    clarification_ends_at=DEADLINE - timedelta(days=5),
    lots=1,
    criteria_weight=100,
    has_price_criterion=True,
    open_to_all=True,
    evaluators=2,
    awarded_lots=1,
)
AFTER = NOW.replace(month=4)

# (state, trigger, changes to the ready snapshot, destination or the exact reasons)
TABLE: list[tuple[S, str, dict[str, object], S | tuple[str, ...]]] = [
    (S.draft, "publish", {}, S.published),
    (
        S.draft,
        "publish",
        {"lots": 0, "criteria_weight": 90, "has_price_criterion": False, "open_to_all": False},
        (
            "Training call 2027 has no lot",
            "the criteria weights add up to 90, not 100",
            "there is no price criterion",
            "no provider is invited",
        ),
    ),
    (S.draft, "publish", {"open_to_all": False, "invited": 3}, S.published),
    (
        S.draft,
        "publish",
        {"empty_lots": ("Lot 1", "Lot 2")},
        ("2 lots have no action to tender: Lot 1, Lot 2",),
    ),
    (
        S.draft,
        "publish",
        {"deadline_at": None, "clarification_ends_at": None},
        ("the deadline is not set", "the clarification period is not set"),
    ),
    (
        S.draft,
        "publish",
        {"now": AFTER},
        ("the deadline 2027-03-15T17:00:00+00:00 has passed",),
    ),
    (
        S.draft,
        "publish",
        {"clarification_ends_at": DEADLINE},
        ("the clarification period does not end before the deadline",),
    ),
    (
        S.published,
        "close",
        {},
        ("bids are sealed until the deadline 2027-03-15T17:00:00+00:00",),
    ),
    (S.published, "close", {"now": DEADLINE}, S.closed),
    (
        S.draft,
        "close",
        {"now": AFTER},
        ("close is only possible in state published; Training call 2027 is in draft",),
    ),
    (
        S.closed,
        "complete_evaluation",
        {"evaluators": 0},
        ("no evaluator is assigned",),
    ),
    (
        S.closed,
        "complete_evaluation",
        {"undeclared_evaluators": ("Ana",), "unscored_evaluators": ("Ana", "Luis")},
        (
            "1 evaluator has not declared no conflict of interest: Ana",
            "2 evaluators have not submitted scores: Ana, Luis",
        ),
    ),
    (S.closed, "complete_evaluation", {}, S.evaluated),
    (S.evaluated, "award", {}, S.awarded),
    (S.evaluated, "award", {"undecided_lots": ("Lot 2",)}, ("1 lot is not decided: Lot 2",)),
    (S.evaluated, "award", {"awarded_lots": 0}, ("no lot is awarded",)),
    (
        S.published,
        "award",
        {},
        ("award is only possible in state evaluated; Training call 2027 is in published",),
    ),
    (
        S.awarded,
        "cancel",
        {},
        (
            "cancel is only possible in states draft, published, closed; "
            "Training call 2027 is in awarded",
        ),
    ),
]


@pytest.mark.parametrize(("state", "trigger", "changes", "outcome"), TABLE)
def test_each_trigger_leads_where_the_table_says_or_names_what_blocks_it(
    state: S, trigger: str, changes: dict[str, object], outcome: S | tuple[str, ...]
) -> None:
    snapshot = replace(READY, state=state, **changes)  # type: ignore[arg-type]
    reason = "no bid met the eligibility" if trigger in {"cancel", "declare_unsuccessful"} else None
    if isinstance(outcome, S):
        assert apply_to_tender(snapshot, trigger, reason) == outcome
    else:
        with pytest.raises(TransitionRefused) as refused:
            apply_to_tender(snapshot, trigger, reason)
        assert refused.value.blocked_by == outcome


def test_declaring_a_tender_unsuccessful_needs_a_reason_and_no_awarded_lot() -> None:
    closed = replace(READY, state=S.closed, awarded_lots=0)
    with pytest.raises(ReasonRequired):
        apply_to_tender(closed, "declare_unsuccessful")
    assert apply_to_tender(closed, "declare_unsuccessful", "no bid") == S.unsuccessful
    with pytest.raises(TransitionRefused) as refused:
        apply_to_tender(replace(closed, awarded_lots=2), "declare_unsuccessful", "no bid")
    assert refused.value.blocked_by == ("2 lot(s) are awarded",)


def test_a_published_tender_before_its_deadline_may_only_be_cancelled() -> None:
    published = replace(READY, state=S.published)
    allowed = [check.trigger for check in available_for_tender(published) if check.allowed]
    assert allowed == ["cancel"]
