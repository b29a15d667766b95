"""Password hashing with Argon2id and opaque bearer tokens stored only as keyed hashes."""

import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from service.settings import get_settings

TOKEN_PREFIX = "sdv_"

_hasher = PasswordHasher()  # argon2-cffi defaults to Argon2id with RFC 9106 parameters
# Verified against when the e-mail is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """An Argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; takes as long when there is no user to match."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh opaque bearer token."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@lru_cache
def _token_key() -> bytes:
    return get_settings().resolved_secret_key().encode()


def token_digest(token: str) -> str:
    """The keyed hash under which a token is stored and looked up."""
    return hmac.new(_token_key(), token.encode(), hashlib.sha256).hexdigest()
