"""Pages of history: events with their actors' names (one query for all names), and the
newest-first keyset order the programme's history is read in."""

import re
import uuid
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator
from sqlalchemy import and_, bindparam, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from service.accounts.models import User
from service.history import Event, EventPublic
from service.pagination import Page, decode_cursor, encode_cursor

# RFC 3339, the JSON Schema "date-time": pydantic alone would also read "0.5" or "1700000000"
# in a query string as seconds since 1970.
RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _rfc_3339(value: Any) -> Any:
    if not isinstance(value, str) or RFC_3339.fullmatch(value) is None:
        raise ValueError("must be a date-time with its offset, e.g. 2027-06-30T15:00:00-06:00")
    return value


# An instant in a query string (a history filter), as RFC 3339 text with its offset.
InstantQuery = Annotated[AwareDatetime, BeforeValidator(_rfc_3339)]

# Built once: every page of history runs it.
ACTOR_NAMES = select(User.id, User.full_name).where(
    col(User.id).in_(bindparam("ids", expanding=True))
)


def actor_names(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Full names of many users in one query."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    return dict(session.exec(ACTOR_NAMES, params={"ids": wanted}).all())


def event_page(session: Session, rows: list[Event], limit: int) -> Page[EventPublic]:
    """A page of events fetched with one extra row (which only says another page exists),
    each with its actor's name."""
    kept = rows[:limit]
    actors = actor_names(session, (row.actor_id for row in kept))
    items = [
        EventPublic.model_validate({**row.model_dump(), "actor_name": actors.get(row.actor_id, "")})
        for row in kept
    ]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor(kept[-1].created_at, kept[-1].id)
    return Page[EventPublic](items=items, next_cursor=next_cursor)


def newest_first(
    statement: SelectOfScalar[Any], cursor: str | None, limit: int
) -> SelectOfScalar[Any]:
    """Events ordered by (created_at, id) descending, from just before the cursor, with one
    extra row: `pagination.paginate` read backwards, with the same cursors."""
    if cursor is not None:
        created_at, row_id = decode_cursor(cursor)
        statement = statement.where(
            or_(
                col(Event.created_at) < created_at,
                and_(col(Event.created_at) == created_at, col(Event.id) < row_id),
            )
        )
    return statement.order_by(col(Event.created_at).desc(), col(Event.id).desc()).limit(limit + 1)
