"""The service's application plus the two baselines the HTTP benchmark measures against.

Both baseline routes are plain `def` routes like the service's own, so they pass through the
same middleware (request log, admission, idempotency) and the same thread-pool hop:

- `/bench/ceiling` answers a constant JSON body the size of an engagement, touching no
  database: the most this server can do per request.
- `/bench/floor/{engagement_id}` reads one engagement by primary key with a plain SQLModel
  session and answers its columns: the least a database read costs, without authentication,
  access rules or views.
"""

import uuid
from typing import Any

from sqlmodel import Session

from service.app import create_app
from service.database import get_engine
from service.engagements.models import Engagement
from service.errors import NotFound

CONSTANT = {
    "id": "0f6a3c1e-3a4b-4c5d-8e9f-0a1b2c3d4e5f",
    "programme_id": "1a2b3c4d-5e6f-4a0b-9c1d-2e3f4a5b6c7d",
    "buyer_id": "2b3c4d5e-6f7a-4b1c-8d2e-3f4a5b6c7d8e",
    "buyer_name": "Alimentos del Valle S.A.",
    "broker_id": "3c4d5e6f-7a8b-4c2d-9e3f-4a5b6c7d8e9f",
    "title": "Local sourcing of packaging and dry ingredients",
    "phase": "improvement_plans",
    "held_phase": None,
    "version": 7,
    "created_at": "2026-03-02T09:15:00Z",
    "updated_at": "2026-10-14T16:40:12Z",
}

app = create_app()


@app.get("/bench/ceiling", include_in_schema=False)
def ceiling() -> dict[str, Any]:
    return CONSTANT


@app.get("/bench/floor/{engagement_id}", include_in_schema=False)
def floor(engagement_id: uuid.UUID) -> dict[str, Any]:
    with Session(get_engine()) as session:
        engagement = session.get(Engagement, engagement_id)
        if engagement is None:
            raise NotFound("no such engagement")
        return engagement.model_dump(mode="json")
