"""Helpers for driving the unmodified agent-control SDK from synchronous tests."""

import asyncio


def run(coroutine):
    """Run one SDK coroutine to completion (the SDK's helpers are async)."""
    return asyncio.run(coroutine)
