"""Optimistic concurrency for versioned rows: a change is written only if nobody changed
the row since the client read it, so exactly one of several concurrent writers wins."""

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from service.errors import PreconditionFailed
from service.types import utcnow

# `If-Match: *` (RFC 9110 §13.1.1): the change applies to whatever version is current.
ANY_VERSION = -1


def check_version(current: int, expected: int) -> None:
    """412 when the client's If-Match names another version than the stored one."""
    if expected != ANY_VERSION and current != expected:
        raise PreconditionFailed(f"the version is now {current}, not {expected}; read it again")


def bump_version(
    session: Session,
    model: Any,
    row_id: uuid.UUID,
    version: int,
    **values: object,
) -> None:
    """Write only if nobody changed the row since it was read: exactly one writer wins.
    With `ANY_VERSION` the change applies to the current version, whatever it is."""
    if version == ANY_VERSION:
        statement = (
            update(model)
            .where(col(model.id) == row_id)
            .values(version=col(model.version) + 1, updated_at=utcnow(), **values)
        )
    else:
        statement = (
            update(model)
            .where(col(model.id) == row_id, col(model.version) == version)
            .values(version=version + 1, updated_at=utcnow(), **values)
        )
    if session.exec(statement).rowcount != 1:
        session.rollback()
        raise PreconditionFailed("the object was changed meanwhile; read it again")


def apply_changes(row: Any, changes: Mapping[str, Any]) -> list[str]:
    """Set the given fields on the row; the names of those whose value differed, sorted."""
    changed = sorted(name for name, value in changes.items() if getattr(row, name) != value)
    for name, value in changes.items():
        setattr(row, name, value)
    return changed


def changes_text(names: list[str]) -> str:
    """An event's reason naming the fields that changed (never their values: a field may be
    personal or secret)."""
    return "changed " + ", ".join(names)
