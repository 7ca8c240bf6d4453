"""``TenantLabels``: which tenants get their own ``tenant`` label, so a flood of tenants cannot
explode the number of series.

The first ``limit`` distinct tenants a process counts keep their id as the label; every later
tenant is counted as ``other``. The choice is per process: under W worker processes at most W x
``limit`` tenants are labelled (in practice about ``limit``: every worker serves the same busy
tenants first), and a restarted worker starts a fresh choice.
"""

import threading

OTHER = "other"


class TenantLabels:
    """The bounded set of labelled tenants of one process (thread-safe)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._labelled: set[str] = set()
        self._lock = threading.Lock()

    def label(self, tenant_id: str) -> str:
        """``tenant_id`` if it has (or can still get) its own label, else ``"other"``."""
        if tenant_id in self._labelled:
            return tenant_id
        with self._lock:
            if tenant_id in self._labelled:
                return tenant_id
            if len(self._labelled) < self.limit:
                self._labelled.add(tenant_id)
                return tenant_id
        return OTHER

    @property
    def labelled(self) -> frozenset[str]:
        """The tenants that have their own label so far."""
        return frozenset(self._labelled)
