"""Agent model rules: normalised names, unique steps and evaluators."""

import pytest
from django.core.exceptions import ValidationError

from agents.models import Agent
from agents.names import normalize_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("  My-Agent-Name-01 ", "my-agent-name-01"), ("svc:bot_0001", "svc:bot_0001")],
)
def test_agent_names_are_trimmed_and_lower_cased(raw, expected):
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("short", "agent_name must be at least 10 characters long"),
        (
            "has a space-01",
            "agent_name may only contain lowercase letters, digits, ':', '_' or '-'",
        ),
        ("x" * 256, "agent_name must be at most 255 characters long"),
    ],
)
def test_invalid_agent_names_raise_the_reference_messages(raw, message):
    with pytest.raises(ValueError) as excinfo:
        normalize_name(raw)
    assert str(excinfo.value) == message


def test_full_clean_rejects_unnormalised_name_and_duplicate_steps():
    agent = Agent(
        tenant_id="acme",
        name="Support-Bot-01",
        steps=[{"type": "tool", "name": "search"}, {"type": "tool", "name": "search"}],
    )
    with pytest.raises(ValidationError) as excinfo:
        agent.full_clean(validate_unique=False, validate_constraints=False)
    assert excinfo.value.message_dict == {
        "name": ["agent_name must be trimmed and lower-case (try 'support-bot-01')."],
        "steps": ["Steps must be unique by (type, name)."],
    }
