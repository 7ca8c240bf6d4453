"""Error bodies exactly as the reference server 8.15.0 answers them (captured side by side), minus
``metadata``; ``problem(response)`` strips that from a response for comparison (checking it holds
the timestamp and the request id the response header quotes: ours adds the id to every 4xx), and
``error(response)`` keeps only the fields most tests compare."""

VALIDATION_HINT = "Check the 'errors' array for field-level validation details."


def problem(response) -> dict:
    """The response's envelope without ``metadata`` (which must hold only the timestamp and the
    request's id)."""
    body = response.json()
    metadata = body.pop("metadata")
    assert set(metadata) == {"timestamp", "request_id"}
    assert metadata["request_id"] == response["X-Request-Id"]
    return body


def error(response) -> dict:
    """The comparable part of an error envelope: status, error_code, detail and errors."""
    body = response.json()
    return {key: body.get(key) for key in ("status", "error_code", "detail", "errors")}


def _envelope(status, code, title, reason, detail, instance, hint, details=None, errors=None):
    body = {
        "type": f"https://agentcontrol.dev/errors/{code.lower().replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "error_code": code,
        "kind": "Status",
        "api_version": "v1",
        "reason": reason,
    }
    if errors is not None:
        body["errors"] = errors
    if details is not None:
        body["details"] = details
    body["hint"] = hint
    return body


def agent_not_found(name: str, instance: str) -> dict:
    """404 ``AGENT_NOT_FOUND`` of the association routes (hint without "via initAgent")."""
    return _envelope(
        404,
        "AGENT_NOT_FOUND",
        "Agent Not Found",
        "NotFound",
        f"Agent with name '{name}' not found",
        instance,
        "Verify the agent name is correct and the agent has been registered.",
        details={"name": name, "kind": "Agent"},
    )


def policy_not_found(policy_id, instance: str) -> dict:
    return _envelope(
        404,
        "POLICY_NOT_FOUND",
        "Policy Not Found",
        "NotFound",
        f"Policy with ID '{policy_id}' not found",
        instance,
        "Verify the policy ID is correct and the policy has been created.",
        details={"name": str(policy_id), "kind": "Policy"},
    )


def no_policy_assigned(name: str, instance: str, hint: str) -> dict:
    return _envelope(
        404,
        "POLICY_NOT_FOUND",
        "Policy Not Found",
        "NotFound",
        f"Agent '{name}' has no policy assigned",
        instance,
        hint,
        details={"kind": "Policy"},
    )


def control_not_found(control_id, instance: str) -> dict:
    """404 ``CONTROL_NOT_FOUND``."""
    return _envelope(
        404,
        "CONTROL_NOT_FOUND",
        "Control Not Found",
        "NotFound",
        f"Control with ID '{control_id}' not found",
        instance,
        "Verify the control ID is correct and the control has been created.",
        details={"name": str(control_id), "kind": "Control"},
    )


def control_name_conflict(name: str, instance: str) -> dict:
    """409 ``CONTROL_NAME_CONFLICT``."""
    return _envelope(
        409,
        "CONTROL_NAME_CONFLICT",
        "Control Name Already Exists",
        "Conflict",
        f"Control with name '{name}' already exists",
        instance,
        "Choose a different name or update the existing control.",
        details={"name": name, "kind": "Control"},
    )


def policy_name_conflict(name: str, instance: str = "/api/v1/policies") -> dict:
    return _envelope(
        409,
        "POLICY_NAME_CONFLICT",
        "Policy Name Already Exists",
        "Conflict",
        f"Policy with name '{name}' already exists",
        instance,
        "Choose a different name or update the existing policy.",
        details={"name": name, "kind": "Policy"},
    )


def assert_request_validation(response, instance: str, errors: list[dict]) -> None:
    """422 ``VALIDATION_ERROR`` from request validation (body, path or query), as the reference.

    The reference's FastAPI handler sends no ``details`` for these; the shared envelope currently
    adds ``details.causes`` (a copy of ``errors``), which is tolerated here and nothing else.
    """
    assert response.status_code == 422
    body = problem(response)
    details = body.pop("details", None)
    assert details in (None, {"causes": errors})
    assert body == validation_problem(instance, errors)


def validation_problem(instance: str, errors: list[dict], *, detail: str | None = None) -> dict:
    """The exact 422 ``VALIDATION_ERROR`` body for request-validation ``errors`` (``detail``
    replaces the count sentence)."""
    return _envelope(
        422,
        "VALIDATION_ERROR",
        "Validation Error",
        "UnprocessableEntity",
        detail or f"Request validation failed with {len(errors)} error(s)",
        instance,
        VALIDATION_HINT,
        errors=errors,
    )


def path_id_error(name: str = "control_id") -> dict:
    """The ``errors[]`` item of a non-integer path parameter ``name``."""
    return {
        "resource": "Request",
        "field": f"path.{name}",
        "code": "int_parsing",
        "message": "Input should be a valid integer, unable to parse string as an integer",
        "value": "[REDACTED]",
    }


def invalid_agent_name(instance: str, message: str) -> dict:
    """422 for a malformed agent name in the path."""
    error = {
        "resource": "Agent",
        "field": "agent_name",
        "code": "invalid_format",
        "message": message,
        "value": "[REDACTED]",
    }
    return _envelope(
        422,
        "VALIDATION_ERROR",
        "Validation Error",
        "UnprocessableEntity",
        "Invalid agent_name",
        instance,
        "Agent names must be at least 10 characters and may only contain letters, digits, "
        "':', '_' or '-'.",
        details={"kind": "Agent", "causes": [error]},
        errors=[error],
    )


def half_target_pair() -> dict:
    """``error(response)`` of an initAgent or evaluation body with only half a target pair."""
    return {
        "status": 422,
        "error_code": "VALIDATION_ERROR",
        "detail": "Request validation failed with 1 error(s)",
        "errors": [
            {
                "resource": "Request",
                "code": "value_error",
                "message": "Value error, target_type and target_id must be supplied together.",
                "value": "[REDACTED]",
            }
        ],
    }
