"""Account use cases: login with throttling, logout and personal tokens."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from service.accounts.models import ApiToken, ApiTokenCreate, LoginAttempt, TokenKind, User
from service.accounts.views import ApiTokenIssued, LoginResult
from service.errors import NotAuthenticated, TooManyRequests
from service.security import new_token, token_digest, verify_password
from service.settings import Settings
from service.types import utcnow

WRONG_CREDENTIALS = "the e-mail or the password is wrong"


def login(*, session: Session, email: str, password: str, settings: Settings) -> LoginResult:
    """Check credentials, refusing with 429 after too many recent failures for the account."""
    email = email.strip().lower()
    now = utcnow()
    window = timedelta(minutes=settings.login_window_minutes)
    session.exec(delete(LoginAttempt).where(col(LoginAttempt.attempted_at) < now - window))
    _refuse_if_throttled(session, email, now, window, settings.login_max_failures)
    user = session.exec(select(User).where(User.email == email)).first()
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        session.add(LoginAttempt(email=email, succeeded=False, attempted_at=now))
        session.commit()
        raise NotAuthenticated(WRONG_CREDENTIALS)
    session.add(LoginAttempt(email=email, succeeded=True, attempted_at=now))
    raw, token = _issue(
        user, TokenKind.session, "login", now + timedelta(hours=settings.session_token_hours)
    )
    session.add(token)
    session.commit()
    return LoginResult(access_token=raw, expires_at=token.expires_at)


def _refuse_if_throttled(
    session: Session, email: str, now: datetime, window: timedelta, max_failures: int
) -> None:
    attempts = session.exec(
        select(LoginAttempt)
        .where(LoginAttempt.email == email)
        .order_by(col(LoginAttempt.attempted_at).desc())
        .limit(max_failures + 1)
    ).all()
    failures = []
    for attempt in attempts:
        if attempt.succeeded:
            break  # a success resets the count
        failures.append(attempt)
    if len(failures) >= max_failures:
        # Open again when the oldest counted failure leaves the window.
        reopens_at = failures[max_failures - 1].attempted_at + window
        seconds = int((reopens_at - utcnow()).total_seconds()) + 1
        raise TooManyRequests("too many failed logins for this account; try again later", seconds)


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


def list_personal_tokens(*, session: Session, user: User) -> list[ApiToken]:
    """The caller's personal tokens, newest first, revoked ones included."""
    statement = (
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.kind == TokenKind.personal)
        .order_by(col(ApiToken.created_at).desc())
    )
    return list(session.exec(statement).all())
