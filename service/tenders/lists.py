"""A tender's short lists, read whole (a few rows each) and paged like every other list:
clarifications as they were asked, bids by bidder, evaluators by name, scores by criterion
and the ranking by rank."""

from typing import Annotated, Any

from sqlmodel import Session

from service.accounts.models import User
from service.pagination import (
    BY_RANK,
    BY_TEXT,
    Order,
    Page,
    Sorting,
    page_after,
    sorted_cursor_query,
)
from service.tenders import access, clarifications, evaluation, views
from service.tenders.models import Lot, Tender

BIDS = Sorting({"organization_name": Order(None, "organization_name", BY_TEXT)})
EVALUATORS = Sorting({"name": Order(None, "name", BY_TEXT)}, row_id="user_id")
SCORES = Sorting({"criterion": Order(None, "criterion", BY_TEXT)})
BidCursor = Annotated[str | None, sorted_cursor_query(BIDS)]
EvaluatorCursor = Annotated[str | None, sorted_cursor_query(EVALUATORS)]
ScoreCursor = Annotated[str | None, sorted_cursor_query(SCORES)]


def clarification_page(
    session: Session, user: User, tender: Tender, cursor: str | None, limit: int
) -> Page[views.ClarificationPublic]:
    """The questions the user may see, in the order they were asked; who asked shows only
    to the unit and to the asker."""
    unit = user.role in access.UNIT

    def publics(rows: list[Any]) -> list[views.ClarificationPublic]:
        own = user.organization_id
        return [views.clarification_public(row, unit or row.asked_by == own) for row in rows]

    rows = clarifications.visible(session, user, tender)
    return page_after(rows, cursor, limit, publics, position=lambda row: (row.asked_at, row.id))


def bid_page(
    session: Session, tender: Tender, lot: Lot, cursor: str | None, limit: int
) -> Page[views.BidPublic]:
    """The lot's opened bids by bidder's name."""
    rows = views.opened_bids(session, tender, lot)
    return BIDS.page_after(rows, "organization_name", cursor, limit, list)


def evaluator_page(
    session: Session, tender: Tender, cursor: str | None, limit: int
) -> Page[views.EvaluatorPublic]:
    """The tender's evaluators by name."""
    rows = views.evaluators(session, tender)
    return EVALUATORS.page_after(rows, "name", cursor, limit, list)


def score_page(
    session: Session, tender: Tender, user: User, cursor: str | None, limit: int
) -> Page[views.BidScorePublic]:
    """The user's scores, or everyone's once every evaluator has submitted, by criterion."""
    everyone = evaluation.all_submitted(session, tender)
    rows = views.scores(session, tender, user, everyone)
    return SCORES.page_after(rows, "criterion", cursor, limit, list)


def ranking_page(
    session: Session, tender: Tender, lot: Lot, cursor: str | None, limit: int
) -> Page[views.RankingRow]:
    """The lot's bids by rank, best first; a cursor is the last rank read and its bid."""
    rows = views.ranking_rows(session, evaluation.ranking(session, tender, lot))
    return page_after(
        rows, cursor, limit, list, position=lambda row: (row.rank, row.bid_id), keyset=BY_RANK
    )
