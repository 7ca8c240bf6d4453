"""Server-side evaluation of an agent step (``POST /api/v1/evaluation``) with the agent-control
engine, as the reference server 8.15 does it (``shared/API.md`` sections 1(f) and 5).

The controls are the agent's effective controls in the caller's tenant, with those bound to the
request's target (one compiled query),
parsed once per distinct text as ``ControlDefinitionRuntime`` by ``policies.definitions.parsing``;
``agent_control_engine.core.ControlEngine(context="server")`` selects
the enabled, in-scope ``execution: "server"`` ones and runs them with the installed evaluators
(``agent-control-evaluators``: regex, list, json, sql, ...). Evaluator error strings are replaced by
safe sentences before they leave the server; evaluator crashes never become HTTP errors.

Each answer is counted by its decision, and each evaluation that finds the agent but gives no
verdict as an error (``telemetry``: ``<p>_evaluations_total``, ``<p>_evaluation_errors_total``).

The engine is ``async``; sync views run it on an event loop kept per worker thread (creating a loop
per call costs about twice as much).
"""

import asyncio
import threading
from dataclasses import dataclass
from typing import Any

from agent_control_engine.core import ControlEngine
from agent_control_models import ControlDefinitionRuntime, EvaluationRequest, EvaluationResponse

from controlplane.api.exceptions import APIError, ErrorCode, error_item
from policies.definitions.errors import corrupted_control
from policies.definitions.parsing import parse_control_text
from policies.targets import Target
from telemetry.record import evaluation_answered, evaluation_failed
from tenancy.context import get_current_tenant_id

from .selectors.effective import agent_control_rows
from .selectors.lookups import agent_id_find

SAFE_EVALUATOR_ERROR = "Evaluation failed due to an internal evaluator error."
SAFE_TIMEOUT_ERROR = "Evaluation timed out before completion."
SAFE_STEP_REGEX_ERROR = "Control configuration error: invalid step name regex."
EVALUATION_HINT = "Register the agent via initAgent before evaluating."


@dataclass(frozen=True, slots=True)
class RuntimeControl:
    """What the engine needs of a control (its ``ControlWithIdentity`` protocol)."""

    id: int
    name: str
    control: ControlDefinitionRuntime


def runtime_controls(rows) -> list[RuntimeControl]:
    """``(id, name, data_text)`` rows (``agents.selectors.effective``) for the engine; unrendered
    template drafts are left out.

    Raises ``APIError`` 422 ``CORRUPTED_DATA`` for the first row whose data no longer validates,
    whether or not the engine would have selected it (the reference fails the whole evaluation).
    """
    controls = []
    for control_id, name, text in rows:
        parsed = parse_control_text(text)
        if not parsed.rendered:
            continue
        if parsed.runtime is None:
            raise corrupted_control(control_id=control_id, name=name, parsed=parsed, runtime=True)
        controls.append(RuntimeControl(control_id, name, parsed.runtime))
    return controls


_loops = threading.local()  # one event loop per worker thread (a resource, not request state)


def run_coroutine(coroutine):
    """Run ``coroutine`` to completion on this thread's private event loop.

    Must not be called from a thread that already runs an event loop (use ``await`` there).
    """
    loop = getattr(_loops, "loop", None)
    if loop is None or loop.is_closed():
        loop = _loops.loop = asyncio.new_event_loop()
    return loop.run_until_complete(coroutine)


def _safe_error(message: str) -> str:
    lowered = message.lower()
    if "invalid step_name_regex" in lowered:
        return SAFE_STEP_REGEX_ERROR
    if "timeout" in lowered:
        return SAFE_TIMEOUT_ERROR
    return SAFE_EVALUATOR_ERROR


def _sanitize_trace(trace: Any) -> Any:
    if isinstance(trace, list):
        return [_sanitize_trace(item) for item in trace]
    if not isinstance(trace, dict):
        return trace
    clean = {key: _sanitize_trace(value) for key, value in trace.items()}
    if isinstance(clean.get("error"), str) and clean["error"]:
        clean["error"] = _safe_error(clean["error"])
        if clean.get("message") is None or isinstance(clean.get("message"), str):
            clean["message"] = clean["error"]
    return clean


def _sanitize_match(match: dict) -> dict:
    result = match["result"]
    if not result.get("error"):
        return match
    safe = _safe_error(result["error"])
    metadata = dict(result.get("metadata") or {})
    if metadata.get("condition_trace") is not None:
        metadata["condition_trace"] = _sanitize_trace(metadata["condition_trace"])
    return {
        **match,
        "result": {**result, "error": safe, "message": safe, "metadata": metadata or None},
    }


def render_response(response: EvaluationResponse) -> dict:
    """The JSON body of an ``EvaluationResponse``: nulls included, empty lists as ``null``,
    evaluator error strings replaced by safe sentences."""
    body = response.model_dump(mode="json")
    for key in ("matches", "errors", "non_matches"):
        items = body.get(key)
        body[key] = [_sanitize_match(item) for item in items] if items else None
    return body


def step_evaluate(*, request: EvaluationRequest, target: Target | None = None) -> dict:
    """Evaluate ``request.step`` for ``request.agent_name`` in the caller's tenant, against the
    agent's effective controls plus, with a ``target`` (today the body's pair; the runtime token's
    target can be passed the same way), the controls bound to it through enabled bindings.

    Mirrors ``POST /api/v1/evaluation``. Returns the response body (see ``render_response``).
    Raises ``APIError`` 404 ``AGENT_NOT_FOUND`` (unknown agent or another tenant's), 422
    ``CORRUPTED_DATA``, or 422 ``EVALUATION_FAILED`` when the engine rejects the request.
    """
    agent_id = agent_id_find(request.agent_name)
    if agent_id is None:
        raise APIError(
            404,
            ErrorCode.AGENT_NOT_FOUND,
            f"Agent '{request.agent_name}' not found",
            kind="Agent",
            name=request.agent_name,
            hint=EVALUATION_HINT,
        )
    try:
        response = _run_engine(request, agent_control_rows(agent_id, target))
    except APIError:
        evaluation_failed()
        raise
    body = render_response(response)
    evaluation_answered(body, get_current_tenant_id())
    return body


def _run_engine(request: EvaluationRequest, rows) -> EvaluationResponse:
    """The engine's response for ``request`` against the control ``rows``; raises 422
    ``CORRUPTED_DATA`` (``runtime_controls``) or ``EVALUATION_FAILED``."""
    engine = ControlEngine(runtime_controls(rows), context="server")
    try:
        return run_coroutine(engine.process(request))
    except ValueError as exc:
        raise APIError(
            422,
            ErrorCode.EVALUATION_FAILED,
            "Evaluation failed due to invalid configuration or input",
            kind="Evaluation",
            hint="Check the evaluation request format and control configurations.",
            errors=[
                error_item(
                    "Evaluation",
                    None,
                    "evaluation_error",
                    "Invalid evaluation request or control configuration.",
                )
            ],
        ) from exc
