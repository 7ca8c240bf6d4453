"""Helpers for driving the unmodified agent-control SDK from synchronous tests."""

import asyncio

import agent_control


def run(coroutine):
    """Run one SDK coroutine to completion (the SDK's helpers are async)."""
    return asyncio.run(coroutine)


def init_session(base_url: str, agent_name: str, tenant: str, **extra):
    """``agent_control.init`` for ``agent_name`` as ``tenant`` (sent in the API-key slot as
    ``X-Tenant-Id``), no background refresh, no observability; ``extra`` are more arguments
    (``target_type=..., target_id=...``)."""
    return agent_control.init(
        agent_name=agent_name,
        server_url=base_url,
        api_key=tenant,
        api_key_header="X-Tenant-Id",
        policy_refresh_interval_seconds=0,
        observability_enabled=False,
        **extra,
    )
