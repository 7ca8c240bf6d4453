"""``Principal``: who is calling, as the middleware authenticated it (never a secret).

A principal is what an authenticator (``tenancy.authentication``) turns a request into: the tenant
the request runs in, the kind of credential that proved it, what it may do, and the non-secret
id of that credential. ``TenantMiddleware`` stores it on ``request.principal`` and binds its
tenant; DRF sees the same object as ``request.user`` / ``request.auth`` through the project's
authentication class, and a permission layer asks ``allows(operation)``.

Operations are opaque strings to this package (the project defines its vocabulary, e.g.
``"controls.read"``); ``EVERY_OPERATION`` (``"*"``) in ``scopes`` grants all of them.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

EVERY_OPERATION = "*"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller.

    - ``tenant_id``: the tenant the request runs in (validated by the middleware).
    - ``kind``: the kind of credential (``"resolver"`` for the header resolver, ``"api_key"``,
      ``"jwt"``, ``"runtime_token"``...).
    - ``scopes``: the operations granted; ``EVERY_OPERATION`` grants all.
    - ``role``: a role name when the credential has one (``"admin"``, ``"runtime"``), else ``None``.
    - ``credential_id``: the non-secret id of the credential (a key prefix, a token's ``jti`` or
      subject), for logs and audit; never the secret itself.
    - ``target_type`` / ``target_id``: the target a credential is bound to (a runtime token is
      minted for one target), both or neither.
    - ``expires_at``: when the credential stops being valid, if it says so (aware datetime).
    """

    tenant_id: str
    kind: str
    scopes: frozenset[str] = frozenset({EVERY_OPERATION})
    role: str | None = None
    credential_id: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    expires_at: datetime | None = None

    #: DRF and Django ask these of ``request.user``.
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    def allows(self, operation: str) -> bool:
        """True if ``operation`` is granted (explicitly, or through ``EVERY_OPERATION``)."""
        return EVERY_OPERATION in self.scopes or operation in self.scopes

    @property
    def is_target_bound(self) -> bool:
        """True when the credential is bound to one ``(target_type, target_id)``."""
        return self.target_type is not None

    def __str__(self) -> str:
        return f"{self.kind}:{self.credential_id or '-'}@{self.tenant_id}"
