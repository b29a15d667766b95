"""Bid contents at rest: AES-GCM under a key derived per tender (HKDF-SHA256 from the
service's secret key), so a database dump holds no price or text of any bid."""

import json
import os
import uuid
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from service.settings import get_settings

INFO = b"supplierdev tender bids v1"


def tender_key(tender_id: uuid.UUID) -> bytes:
    """The 256-bit key of one tender's bids."""
    secret = get_settings().resolved_secret_key().encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=tender_id.bytes, info=INFO).derive(
        secret
    )


def _associated(bid_id: uuid.UUID, number: int) -> bytes:
    # Binds each ciphertext to its bid and version: a version copied elsewhere fails to open.
    return bid_id.bytes + number.to_bytes(4, "big")


def seal(
    tender_id: uuid.UUID, bid_id: uuid.UUID, number: int, content: dict[str, Any]
) -> tuple[bytes, bytes]:
    """The nonce and ciphertext of one bid version's contents."""
    nonce = os.urandom(12)
    plain = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    return nonce, AESGCM(tender_key(tender_id)).encrypt(nonce, plain, _associated(bid_id, number))


def unseal(
    tender_id: uuid.UUID, bid_id: uuid.UUID, number: int, nonce: bytes, ciphertext: bytes
) -> dict[str, Any]:
    """The contents of one bid version."""
    aead = AESGCM(tender_key(tender_id))
    plain = aead.decrypt(nonce, ciphertext, _associated(bid_id, number))
    content: dict[str, Any] = json.loads(plain)
    return content
