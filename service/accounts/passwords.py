"""Password links: issued for a new account or a forgotten password, used once, soon expired."""

import secrets
from datetime import timedelta

from sqlmodel import Session, col, select, update

from service.accounts.models import PasswordLink, User
from service.errors import Unprocessable
from service.security import hash_password, token_digest
from service.settings import get_settings
from service.types import utcnow


def issue_password_link(session: Session, user: User, *, purpose: str) -> str:
    """A new link for the user (earlier unused ones stop working); never commits."""
    now = utcnow()
    session.execute(
        update(PasswordLink)
        .where(col(PasswordLink.user_id) == user.id, col(PasswordLink.used_at).is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    minutes = get_settings().password_link_minutes
    session.add(
        PasswordLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_digest(token),
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    return f"/password?token={token}"


def use_password_link(session: Session, *, token: str, password: str) -> User:
    """Set the password of the link's user and spend the link; never commits. A link that is
    unknown, used or expired is refused, all three alike."""
    link = session.exec(
        select(PasswordLink).where(PasswordLink.token_hash == token_digest(token))
    ).first()
    user = session.get(User, link.user_id) if link else None
    if link is None or link.used_at or link.expires_at <= utcnow() or not user:
        raise Unprocessable("this link is not valid: it is unknown, used or expired", "token")
    if not user.is_active:
        raise Unprocessable("this link is not valid: it is unknown, used or expired", "token")
    link.used_at = utcnow()
    user.password_hash = hash_password(password)
    session.add(link)
    session.add(user)
    return user
