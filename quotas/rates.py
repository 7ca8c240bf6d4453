"""Rates in the ``limits`` library's notation (``"100/second"``, ``"5 per 10 seconds"``,
``"600/minute"``): parsing, validation, and the text a 429 quotes."""

from functools import lru_cache

from django.core.exceptions import ValidationError
from limits import RateLimitItem, parse


@lru_cache(maxsize=256)
def parse_rate(text: str) -> RateLimitItem:
    """The rate ``text`` describes; ``ValueError`` if it describes none (or allows nothing)."""
    item = parse(text)
    if item.amount < 1:
        raise ValueError(f"{text!r} allows no request.")
    return item


def validate_rate(value: str) -> None:
    """Model/form validator: ``value`` must be a rate (see the module docstring)."""
    try:
        parse_rate(value)
    except ValueError:
        raise ValidationError(
            "%(value)s is not a rate; write e.g. '100/second', '5 per 10 seconds' or '600/minute'.",
            params={"value": repr(value)},
        ) from None


def window(item: RateLimitItem) -> str:
    """``"per 10 seconds"`` / ``"per second"``."""
    unit = item.GRANULARITY.name
    return f"per {unit}" if item.multiples == 1 else f"per {item.multiples} {unit}s"


def describe(item: RateLimitItem) -> str:
    """``"5 per 10 seconds"`` / ``"100 per second"``."""
    return f"{item.amount} {window(item)}"
