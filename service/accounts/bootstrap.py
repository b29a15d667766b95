"""Accounts made outside the API: the platform superuser."""

from sqlmodel import select

from service.accounts.models import User
from service.database import write_session
from service.security import hash_password


def create_superuser(*, email: str, full_name: str, password: str) -> User:
    """A platform superuser, who opens programmes; refuses a taken e-mail or short password."""
    email = email.strip().lower()
    if len(password) < 12:
        raise ValueError("the password must have at least 12 characters")
    with write_session() as session:
        if session.exec(select(User.id).where(User.email == email)).first() is not None:
            raise ValueError(f"a user with e-mail {email} already exists")
        user = User(
            email=email,
            full_name=full_name,
            is_superuser=True,
            password_hash=hash_password(password),
        )
        session.add(user)
        session.commit()
        return user
