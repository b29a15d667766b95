"""Self-service use cases: every user changes their own name and language, their password
(with the current one; their other tokens are revoked), and lists or revokes their tokens."""

from sqlalchemy import update
from sqlmodel import Session, col, select

from service.accounts.models import ApiToken, PasswordChange, ProfileUpdate, User
from service.errors import Forbidden
from service.history import EventKind, SubjectKind, record_event
from service.pagination import paginate
from service.security import hash_password, verify_password
from service.types import utcnow
from service.versioning import apply_changes, changes_text

WRONG_PASSWORD = "the current password is wrong"


def update_profile(*, session: Session, user: User, data: ProfileUpdate) -> User:
    """Change the caller's own name or language; the event names the fields, not values."""
    changed = apply_changes(user, data.model_dump(exclude_unset=True))
    session.add(user)
    if changed:
        _record(session, user, "update_profile", changes_text(changed))
    session.commit()
    return user


def change_password(*, session: Session, user: User, token: ApiToken, data: PasswordChange) -> None:
    """A new password once the current one is given; every other session and token of the
    user is revoked, the one making this request stays valid."""
    password_hash = user.password_hash
    session.rollback()  # no transaction (nor SQLite's write lock) while the hash is checked
    if not verify_password(password_hash, data.current_password):
        raise Forbidden(WRONG_PASSWORD, field="current_password")
    user = session.get_one(User, user.id)
    user.password_hash = hash_password(data.new_password)
    session.add(user)
    session.exec(
        update(ApiToken)
        .where(
            col(ApiToken.user_id) == user.id,
            col(ApiToken.id) != token.id,
            col(ApiToken.revoked_at).is_(None),
        )
        .values(revoked_at=utcnow())
    )
    _record(session, user, "change_password", "other sessions and tokens revoked")
    session.commit()


def token_page(session: Session, user: User, cursor: str | None, limit: int) -> list[ApiToken]:
    """One keyset page (and its extra row) of the caller's tokens, sessions and personal,
    revoked ones included, oldest first."""
    statement = select(ApiToken).where(ApiToken.user_id == user.id)
    return list(session.exec(paginate(statement, ApiToken, cursor, limit)).all())


def _record(session: Session, user: User, trigger: str, reason: str) -> None:
    if user.programme_id is None:
        return  # a platform superuser's account belongs to no programme's history
    record_event(
        session,
        actor_id=user.id,
        programme_id=user.programme_id,
        kind=EventKind.user,
        subject=(SubjectKind.user, user.id),
        trigger=trigger,
        reason=reason,
    )
