"""Liveness and readiness probes."""

from fastapi import APIRouter
from sqlalchemy.exc import SQLAlchemyError

from service.database import get_engine
from service.errors import ProblemError, problems
from service.migrations_runner import current_revision, head_revision

router = APIRouter(tags=["health"])


class NotReady(ProblemError):
    status, type_slug = 503, "not-ready"


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: problems(422)[422] | {"description": "Not ready"}})
def readyz() -> dict[str, str]:
    """The database answers and its schema is at the newest migration."""
    head = head_revision()
    try:
        with get_engine().connect() as connection:
            current = current_revision(connection)
    except SQLAlchemyError as error:
        raise NotReady(f"the database is unreachable: {type(error).__name__}") from error
    if current != head:
        raise NotReady(f"the database is at migration {current}, the code needs {head}")
    return {"status": "ready", "migration": head or ""}
