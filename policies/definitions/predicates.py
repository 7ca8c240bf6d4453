"""What a stored control definition says about itself, in Python and as SQL conditions.

The reference reads these flags from the stored JSON without parsing it: a definition is
*template-backed* when it has a non-null ``template``; an *unrendered* template draft has a
``template`` and no ``condition``; *enabled* unless ``enabled`` is literally ``false`` (absent means
enabled); *active* when rendered and enabled (what initAgent returns and the engine runs).
"""

from typing import Any

from django.db.models import Q


def has_template(data: Any) -> bool:
    """True for a payload or row with a non-null ``template`` key."""
    return isinstance(data, dict) and data.get("template") is not None


def is_rendered(data: dict) -> bool:
    """False for an unrendered template draft (``template`` without a ``condition``)."""
    return not (has_template(data) and data.get("condition") is None)


def is_enabled(data: dict) -> bool:
    """The definition's ``enabled`` flag; absent means enabled."""
    return data.get("enabled", True) is not False


def enabled_q(prefix: str = "") -> Q:
    """SQL form of ``is_enabled`` for the ``data`` column (``prefix="control__"`` across a join)."""
    return Q(**{f"{prefix}data__enabled": True}) | ~Q(**{f"{prefix}data__has_key": "enabled"})


def template_backed_q() -> Q:
    """SQL form of "has a ``template`` key" (the list filter ``template_backed``)."""
    return Q(data__has_key="template")
