"""Cost sharing arithmetic: shares to the cent, half up; planned against actual."""

import uuid
from decimal import Decimal

import pytest

from service.plans.costs import CostLine, Total, cost_totals, share
from service.plans.models import ActionCategory, Payer

FIRM = uuid.UUID(int=1)
BUYER = uuid.UUID(int=2)


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        ("100.00", "33.33", "33.33"),
        ("100.00", "33.34", "33.34"),
        ("1000.00", "12.5", "125.00"),
        ("0.05", "50", "0.03"),  # 0.025 rounds half up
        ("0.01", "33.33", "0.00"),  # 0.003333
        ("999999999999.99", "100", "999999999999.99"),
        ("1234.56", "0", "0.00"),
    ],
)
def test_a_share_is_rounded_half_up_to_the_cent(amount: str, percent: str, expected: str) -> None:
    assert share(Decimal(amount), Decimal(percent)) == Decimal(expected)


def line(
    category: ActionCategory,
    payer: Payer,
    percent: str,
    estimated: str,
    actual: str | None = None,
    organization: uuid.UUID | None = None,
    cancelled: bool = False,
) -> CostLine:
    return CostLine(
        category=category,
        payer=payer,
        organization_id=organization,
        percent=Decimal(percent),
        estimated_cost=Decimal(estimated),
        actual_cost=Decimal(actual) if actual is not None else None,
        cancelled=cancelled,
    )


def test_totals_by_payer_category_and_organization() -> None:
    training, investment = ActionCategory.training, ActionCategory.investment
    lines = [
        # A course of 1,000.00: firm 40 %, buyer 30 %, programme 30 %; it cost 1,100.00.
        line(training, Payer.firm, "40", "1000.00", "1100.00", FIRM),
        line(training, Payer.buyer, "30", "1000.00", "1100.00", BUYER),
        line(training, Payer.programme, "30", "1000.00", "1100.00"),
        # An oven of 5,000.00 on a loan, cancelled after a 200.00 deposit.
        line(investment, Payer.loan, "100", "5000.00", "200.00", cancelled=True),
        # Assistance of 100.00 in thirds: 33.33 + 33.33 + 33.34, not spent yet.
        line(ActionCategory.technical_assistance, Payer.firm, "33.33", "100.00", None, FIRM),
        line(ActionCategory.technical_assistance, Payer.buyer, "33.33", "100.00", None, BUYER),
        line(ActionCategory.technical_assistance, Payer.donor, "33.34", "100.00"),
    ]
    totals = cost_totals(lines)
    # Planned: 400 + 300 + 300 + 0 (cancelled) + 33.33 + 33.33 + 33.34 = 1,100.00.
    # Actual: 440 + 330 + 330 + 200 = 1,300.00.
    assert (totals.planned, totals.actual) == (Decimal("1100.00"), Decimal("1300.00"))
    assert totals.by_payer == [
        Total("buyer", Decimal("333.33"), Decimal("330.00")),
        Total("donor", Decimal("33.34"), Decimal("0.00")),
        Total("firm", Decimal("433.33"), Decimal("440.00")),
        Total("loan", Decimal("0.00"), Decimal("200.00")),
        Total("programme", Decimal("300.00"), Decimal("330.00")),
    ]
    assert totals.by_category == [
        Total("investment", Decimal("0.00"), Decimal("200.00")),
        Total("technical_assistance", Decimal("100.00"), Decimal("0.00")),
        Total("training", Decimal("1000.00"), Decimal("1100.00")),
    ]
    assert totals.by_organization == [
        Total(str(FIRM), Decimal("433.33"), Decimal("440.00")),
        Total(str(BUYER), Decimal("333.33"), Decimal("330.00")),
        Total("unspecified", Decimal("333.34"), Decimal("530.00")),
    ]


def test_no_lines_no_money() -> None:
    totals = cost_totals([])
    assert (totals.planned, totals.actual, totals.by_payer) == (
        Decimal("0.00"),
        Decimal("0.00"),
        [],
    )
