"""Cursor pagination in the reference server's shape.

``{"limit": int, "total": int, "next_cursor": str | null, "has_more": bool}``: the caller fetches
``limit + 1`` rows after the cursor; ``next_cursor`` is the cursor value of the last returned row as
a string (even for integer ids), or ``null`` on the last page.
"""

from collections.abc import Callable, Sequence
from typing import Any


def page(
    rows: Sequence, limit: int, total: int, cursor_of: Callable[[Any], Any]
) -> tuple[list, dict]:
    """Split ``rows`` (fetched with ``limit + 1``) into the page and its ``pagination`` object."""
    has_more = len(rows) > limit
    items = list(rows[:limit])
    next_cursor = str(cursor_of(items[-1])) if has_more and items else None
    return items, {"limit": limit, "total": total, "next_cursor": next_cursor, "has_more": has_more}
