"""Control definitions (a control's ``data``) for tests: condition leaves, minimal definitions and
definitions with an explicit ``enabled`` flag and action."""


def leaf(evaluator="regex", config=None, path="input") -> dict:
    """A condition leaf: ``evaluator`` with ``config`` (``{"pattern": "secret"}`` when omitted)
    on the selector ``path``; ``path=None`` leaves the selector empty."""
    selector = {} if path is None else {"path": path}
    config = {"pattern": "secret"} if config is None else config
    return {"selector": selector, "evaluator": {"name": evaluator, "config": config}}


def definition(condition=None, **fields) -> dict:
    """A minimal valid ControlDefinition (condition ``leaf()`` unless given, no ``enabled`` key);
    keyword arguments add or replace top-level fields."""
    data = {
        "execution": "server",
        "condition": leaf() if condition is None else condition,
        "action": {"decision": "deny"},
    }
    data.update(fields)
    return data


def control_data(
    condition: dict, *, decision="deny", steering_context=None, enabled=True, **fields
) -> dict:
    """``definition(condition)`` with ``action.decision`` (and ``action.steering_context``) and an
    explicit ``enabled`` flag; keyword arguments add or replace top-level fields."""
    action = {"decision": decision}
    if steering_context is not None:
        action["steering_context"] = steering_context
    return definition(condition, action=action, enabled=enabled, **fields)
