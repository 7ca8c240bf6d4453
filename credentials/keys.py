"""The API key format, its hash, and the constant-time comparison.

A key is ``cpk_<16 hex>_<43 url-safe characters>``: ``cpk_<16 hex>`` is the **prefix**, stored in
clear and shown to operators (it is how a key is found, listed, revoked and rotated); the rest is
256 random bits. Only the SHA-256 digest of the whole key is stored. A fast hash is enough for
a random 256-bit secret (there is nothing to brute-force), and it keeps the check to microseconds
per request; the digest is compared with ``hmac.compare_digest``.
"""

import hashlib
import hmac
import re
import secrets

SCHEME = "cpk"
PREFIX_LENGTH = len(SCHEME) + 1 + 16
_KEY_RE = re.compile(rf"({SCHEME}_[0-9a-f]{{16}})_[A-Za-z0-9_-]{{43}}")


def generate() -> tuple[str, str, str]:
    """A new key: ``(secret key, prefix, digest)``. The secret is shown once and never stored."""
    prefix = f"{SCHEME}_{secrets.token_hex(8)}"
    key = f"{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, digest(key)


def digest(key: str) -> str:
    """The stored form of ``key``: its SHA-256, 64 hex characters."""
    return hashlib.sha256(key.encode()).hexdigest()


def prefix_of(key: str) -> str | None:
    """The prefix of a well-formed key, or ``None`` (a malformed value is never looked up)."""
    match = _KEY_RE.fullmatch(key)
    return match.group(1) if match else None


def matches(stored_digest: str, key: str) -> bool:
    """True if ``key`` hashes to ``stored_digest``, compared in constant time."""
    return hmac.compare_digest(stored_digest, digest(key))
