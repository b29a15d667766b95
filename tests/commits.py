"""Commit discipline, watched in every test: a use case commits once, at its outermost level.

Two rules, checked on every SQLAlchemy session the service opens:
- the function that commits is not called by another use case or inner step (a module
  `service.py`, `steps.py` or `queries.py` of the service, or the shared core): a composed use
  case commits once, after its steps;
- a request's session commits what it wrote at most once (a read transaction ended before
  waiting on the client is no write).
"""

import sys
from pathlib import Path
from types import FrameType

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

SERVICE = Path(__file__).resolve().parents[1] / "service"
# Modules whose functions are use cases or their steps: none of them may call a committer.
COMPOSING = frozenset({"service.py", "steps.py", "queries.py", "history.py", "versioning.py"})
LIBRARIES = ("sqlalchemy", "sqlmodel")

violations: list[str] = []


def _committer(frame: FrameType | None) -> FrameType | None:
    """The first frame outside SQLAlchemy: the code that called commit()."""
    while frame is not None and _in_library(frame.f_code.co_filename):
        frame = frame.f_back
    return frame


def _in_library(filename: str) -> bool:
    # SQLAlchemy also runs code it generates, whose file names read "<sqlalchemy generated …>";
    # a held session (an Idempotency-Key's request) commits on behalf of its caller.
    held = filename.endswith("service/idempotency/unit.py")
    return held or filename.startswith("<") or any(f"/{name}/" in filename for name in LIBRARIES)


def _where(frame: FrameType) -> str:
    path = Path(frame.f_code.co_filename)
    shown = path.relative_to(SERVICE.parent) if path.is_relative_to(SERVICE.parent) else path
    return f"{frame.f_code.co_name} ({shown}:{frame.f_lineno})"


def _composes(frame: FrameType | None) -> bool:
    if frame is None:
        return False
    path = Path(frame.f_code.co_filename)
    return path.is_relative_to(SERVICE) and path.name in COMPOSING


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released inside the transaction commits nothing yet
    committer = _committer(sys._getframe(1))
    if committer is not None and _composes(committer.f_back):
        assert committer.f_back is not None
        violations.append(f"{_where(committer)} commits inside {_where(committer.f_back)}")
    if session.info.pop("wrote", False) and session.info.get("request"):
        session.info["writing_commits"] = session.info.get("writing_commits", 0) + 1
        if session.info["writing_commits"] > 1 and committer is not None:
            violations.append(f"{_where(committer)}: a second writing commit in one request")


def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


def _flushed(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        session.info["wrote"] = True


def install() -> None:
    """Listen on every session of the process (idempotent)."""
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "do_orm_execute", _executed)
        event.listen(Session, "before_flush", _flushed)
        event.listen(Session, "after_rollback", lambda session: session.info.pop("wrote", None))
