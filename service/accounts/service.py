"""Account use cases: login with throttling, logout and personal tokens."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from service.accounts import throttle
from service.accounts.models import ApiToken, ApiTokenCreate, TokenKind, User
from service.accounts.passwords import issue_password_link, use_password_link
from service.accounts.views import ApiTokenIssued, LoginResult
from service.errors import NotAuthenticated
from service.notifications import outbox
from service.notifications.models import Channel, Topic
from service.security import new_token, token_digest, verify_password
from service.settings import Settings, get_settings
from service.types import utcnow

WRONG_CREDENTIALS = "the e-mail or the password is wrong"


def login(
    *, session: Session, email: str, password: str, settings: Settings, address: str = "unknown"
) -> LoginResult:
    """Check credentials of an attempt `throttle.admit_attempt` has counted. The password is
    checked outside any transaction; only a success writes (its token), in one commit."""
    email = email.strip().lower()
    now = utcnow()
    user = session.exec(select(User).where(User.email == email)).first()
    if user is not None:
        session.expunge(user)  # keep its loaded values through the rollback
    session.rollback()  # end the read: no transaction (nor SQLite's write lock) while hashing
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        raise NotAuthenticated(WRONG_CREDENTIALS)
    throttle.succeeded(session=session, email=email, address=address)
    raw, token = _issue(
        user, TokenKind.session, "login", now + timedelta(hours=settings.session_token_hours)
    )
    session.add(token)
    session.commit()
    return LoginResult(access_token=raw, expires_at=token.expires_at)


def _issue(user: User, kind: TokenKind, name: str, expires_at: datetime) -> tuple[str, ApiToken]:
    raw = new_token()
    token = ApiToken(
        user_id=user.id,
        kind=kind,
        name=name,
        token_hash=token_digest(raw),
        expires_at=expires_at,
    )
    return raw, token


def revoke_token(*, session: Session, token: ApiToken) -> None:
    """Revoke one token (logout or deleting a personal token)."""
    token.revoked_at = utcnow()
    session.add(token)
    session.commit()


def revoke_all_tokens(session: Session, *, user_id: uuid.UUID) -> None:
    """Revoke every live token of a user: a step, the calling use case commits."""
    session.exec(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def create_personal_token(
    *, session: Session, user: User, data: ApiTokenCreate, settings: Settings
) -> ApiTokenIssued:
    """A personal API token for integrations; its secret is returned only now."""
    days = min(data.expires_in_days, settings.api_token_max_days)
    raw, token = _issue(user, TokenKind.personal, data.name, utcnow() + timedelta(days=days))
    session.add(token)
    session.commit()
    return ApiTokenIssued.model_validate({**token.model_dump(), "token": raw})


def request_password_reset(*, session: Session, email: str) -> None:
    """E-mail a single-use, short-lived link to the account's address, if there is such an
    active account; the caller answers the same either way."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.is_active:
        session.commit()  # nothing written: the same answer, the same work
        return
    path = issue_password_link(session, user, purpose="reset")
    outbox.enqueue(
        session,
        channel=Channel.mail,
        topic=Topic.password_reset,
        dedup_key=f"mail:password.reset:{uuid.uuid4()}",
        programme_id=user.programme_id,
        recipient_id=user.id,
        payload={"args": {"minutes": get_settings().password_link_minutes}, "path": path},
    )
    session.commit()


def reset_password(*, session: Session, token: str, password: str) -> None:
    """Set a new password through an e-mailed link; every token of the account is revoked."""
    user = use_password_link(session, token=token, password=password)
    revoke_all_tokens(session, user_id=user.id)
    session.commit()
