"""Helpers of the credential tests (imported by the tests and by ``conftest.py``'s fixtures)."""

RUNTIME_SECRET = "runtime-token-secret-for-tests-0123456789"


def error(response) -> tuple:
    """``(status, error_code, detail, WWW-Authenticate or None)`` of an error response."""
    body = response.json()
    return (
        response.status_code,
        body["error_code"],
        body["detail"],
        response.get("WWW-Authenticate"),
    )
