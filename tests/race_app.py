"""The service plus one deliberately unsafe route, for the race harness's negative control.

The route reads an engagement, waits, then writes without checking the version: the classic
lost update. The harness must catch it, which shows the harness is able to fail.
"""

import time
import uuid

from sqlmodel import select

from service.app import create_app
from service.database import read_session, write_session
from service.engagements.models import Engagement
from service.history import EventKind, SubjectKind, record_event
from workflows import Phase

app = create_app()


@app.post("/test/unsafe-hold/{engagement_id}")
def unsafe_hold(engagement_id: uuid.UUID) -> dict[str, int]:
    """Hold without a version check or a lock, in two transactions."""
    with read_session() as session:
        engagement = session.exec(select(Engagement).where(Engagement.id == engagement_id)).one()
        seen_version, actor = engagement.version, engagement.broker_id
    time.sleep(0.05)  # widen the window a real request would have anyway
    with write_session() as session:
        engagement = session.exec(select(Engagement).where(Engagement.id == engagement_id)).one()
        engagement.phase, engagement.version = Phase.on_hold, seen_version + 1
        session.add(engagement)
        record_event(
            session,
            programme_id=engagement.programme_id,
            subject=(SubjectKind.engagement, engagement.id),
            engagement_id=engagement.id,
            actor_id=actor,
            kind=EventKind.transition,
            trigger="hold",
            from_state="enrolment",
            to_state="on_hold",
        )
        session.commit()
    return {"version": seen_version + 1}
