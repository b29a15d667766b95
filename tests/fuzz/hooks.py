"""Schemathesis hooks: authenticate as the run's user (FUZZ_EMAIL: the administrator, the
broker or a supplier user of the demo) with tokens minted in the database.

Minting (not logging in) keeps the run fast and immune to login throttling, which the fuzzer
itself may trigger for the user's e-mail; a fresh token is minted whenever one was revoked
(by logout, a password change, a token revoked from the list...), so those operations cannot
end the run.
"""

import os
from datetime import timedelta

import schemathesis
from sqlmodel import select

from service.accounts.models import ApiToken, TokenKind, User
from service.database import write_session
from service.security import new_token, token_digest
from service.types import utcnow


def mint_token(email: str) -> str:
    """A new personal token for the user with this e-mail, straight into the database."""
    raw = new_token()
    with write_session() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        session.add(
            ApiToken(
                user_id=user.id,
                kind=TokenKind.personal,
                name="fuzzing",
                token_hash=token_digest(raw),
                expires_at=utcnow() + timedelta(hours=2),
            )
        )
        session.commit()
    return raw


@schemathesis.auth(refresh_interval=600, retry_on=[401])
class FuzzUser:
    """Bearer token of the run's user; re-minted after a 401."""

    def get(self, case, context):
        return mint_token(os.environ["FUZZ_EMAIL"])

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
