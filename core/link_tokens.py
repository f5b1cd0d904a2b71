"""Secret links for people who act without an account (a guardian, a patron organisation's
representative) or before they have one (an invited team member).

The raw token goes only into the e-mailed link; the database keeps its SHA-256 digest, so a
leaked database dump opens nothing. Models store `token_digest` (64 characters, unique).
"""

import hashlib
import secrets

TOKEN_BYTES = 32
DIGEST_LENGTH = 64


def link_token_new() -> tuple[str, str]:
    """A fresh (raw token, digest) pair: mail the raw token, store the digest."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    return raw, link_token_digest(raw)


def link_token_digest(raw: str) -> str:
    """The digest stored for `raw`; look rows up by it (never by the raw token)."""
    return hashlib.sha256(raw.encode()).hexdigest()
