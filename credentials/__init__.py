"""Credentials: who may call the API, and as which tenant.

The concrete credentials behind ``tenancy``'s authenticator seam (``TENANCY_AUTHENTICATOR =
"credentials.authenticators.ModeAuthenticator"``), chosen by ``CREDENTIALS_MODE``:

- ``none``: the ``X-Tenant-Id`` header names the tenant (development only);
- ``api_key``: ``X-API-Key`` keys that belong to one tenant, stored hashed, with a role (``admin``
  or ``runtime``), an optional expiry, revocation and last-used time (``models``, ``keys``,
  ``services``; managed with ``manage.py apikeys`` and the admin);
- ``jwt``: ``Authorization: Bearer`` tokens of an identity provider, verified with PyJWT, the
  tenant from a claim (``identity_tokens``).

In the two credential modes, runtime tokens (``runtime_tokens``) minted by
``POST /api/v1/auth/runtime-token-exchange`` evaluate for one target; ``GET /api/config`` tells
clients which mode is on (``views``). Depends on ``tenancy`` and ``controlplane.api``; nothing
depends on it except the project's settings and URLconf.
"""
