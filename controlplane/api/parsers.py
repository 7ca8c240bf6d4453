"""``StrictJSONParser``: JSON request bodies that both databases can store.

DRF's ``JSONParser`` accepts four things that only fail later, as a 500: strings with a NUL
character (PostgreSQL refuses them in text and jsonb), strings with an unpaired UTF-16 surrogate
(``"\\udc00"``: PostgreSQL refuses them, SQLite stores them and later reads crash), numbers too
large for a double (``1e400`` parses as infinity, which jsonb refuses and JSON cannot write back),
and nesting so deep that parsing or serialising recurses out. This parser answers all four up front
with a 422 ``VALIDATION_ERROR`` naming the field, and maps a ``RecursionError`` while parsing, and
an integer longer than Python converts (``sys.get_int_max_str_digits()``, 4300 digits), to the same.
A body shorter than its ``Content-Length`` (the client stopped early) is a 400 before parsing.
``check_storable`` is also applied to query parameters (``controlplane.api.validation``).
``TransientJSONParser`` skips the storage checks for bodies that are only evaluated.
"""

import io
import math
import sys
from collections.abc import Iterator
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .exceptions import APIError, ErrorCode, error_item, format_field_path, validation_error

MAX_DEPTH = 64
NON_FINITE = "Number is out of range: JSON numbers must be finite (at most about 1.8e308)."


def _string_problem(value: str) -> str | None:
    if value.isascii():
        return "String contains a NUL character (\\u0000)." if "\x00" in value else None
    if "\x00" in value:
        return "String contains a NUL character (\\u0000)."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "String contains an unpaired UTF-16 surrogate."
    return None


def unstorable(value: Any, prefix: tuple = ()) -> Iterator[tuple[tuple, str, str]]:
    """Yield ``(path, code, message)`` for each string or number that cannot be stored and for
    nesting deeper than ``MAX_DEPTH``; iterative, so it never recurses itself."""
    stack = [(value, prefix, 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            yield path, "too_deep", f"JSON is nested deeper than {MAX_DEPTH} levels."
            continue
        if isinstance(item, str):
            problem = _string_problem(item)
            if problem:
                yield path, "invalid_string", problem
        elif isinstance(item, float) and not math.isfinite(item):
            yield path, "non_finite_number", NON_FINITE
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = _string_problem(key)
                if problem:
                    yield (*path, key), "invalid_string", f"Key: {problem}"
                stack.append((child, (*path, key), depth + 1))
        elif isinstance(item, list):
            stack.extend((child, (*path, index), depth + 1) for index, child in enumerate(item))


def check_storable(value: Any, prefix: tuple = (), *, resource: str = "Request") -> None:
    """Raise 422 ``VALIDATION_ERROR`` listing every unstorable string / too-deep value."""
    problems = list(unstorable(value, prefix))
    if problems:
        raise validation_error(
            [
                error_item(resource, format_field_path(path) or "body", code, message)
                for path, code, message in sorted(problems, key=lambda p: [str(x) for x in p[0]])
            ]
        )


def whole_body(stream, parser_context: dict | None) -> io.BytesIO:
    """The request body read to its end, refused with 400 when it is shorter than the request's
    ``Content-Length`` (the client closed its side early: a complete-looking JSON prefix must not
    be written)."""
    body = stream.read()
    request = (parser_context or {}).get("request")
    declared = request.META.get("CONTENT_LENGTH") if request is not None else None
    if declared and declared.isdigit() and len(body) < int(declared):
        raise APIError(
            400,
            ErrorCode.VALIDATION_ERROR,
            f"The request body ended after {len(body)} of the {declared} bytes its Content-Length "
            "announced.",
            hint="Send the whole body, or a Content-Length that matches it.",
            details=False,
        )
    return io.BytesIO(body)


class StrictJSONParser(JSONParser):
    """``JSONParser`` plus the checks of this module (the API's default parser)."""

    check_storage = True

    def parse(self, stream, media_type=None, parser_context=None):
        stream = whole_body(stream, parser_context)
        try:
            data = super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            if "integer string conversion" not in str(exc.detail):
                raise
            # Python's own message advises sys.set_int_max_str_digits(): say what to send instead.
            limit = sys.get_int_max_str_digits()
            message = f"JSON integers may have at most {limit} digits; send a shorter number."
            raise validation_error(
                [error_item("Request", "body", "number_too_long", message)]
            ) from None
        except RecursionError:
            raise validation_error(
                [
                    error_item(
                        "Request",
                        "body",
                        "too_deep",
                        f"JSON is nested deeper than {MAX_DEPTH} levels.",
                    )
                ]
            ) from None
        if self.check_storage:
            check_storable(data)
        return data


class TransientJSONParser(StrictJSONParser):
    """For bodies that are evaluated, never stored (``POST /evaluation``): NUL characters,
    unpaired surrogates, huge numbers and deep nesting are legitimate agent data there, as in the
    reference; only a parse that recurses out is refused."""

    check_storage = False
