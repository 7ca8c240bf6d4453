"""The query-string models of the control endpoints, in one place.

Validated with ``controlplane.api.validation.validate_query``, so errors carry ``query.<name>``
fields and pydantic's codes, as the reference's FastAPI answers. ``limit`` outside 1..100 is a 422
on these endpoints (``GET /agents`` clamps instead).
"""

import pydantic


class ListControlsQuery(pydantic.BaseModel):
    """``GET /controls`` (the reference's parameters, in its order)."""

    cursor: int | None = None
    limit: int = pydantic.Field(20, ge=1, le=100)
    name: str | None = None
    enabled: bool | None = None
    template_backed: bool | None = None
    cloned: bool | None = None
    step_type: str | None = None
    stage: str | None = None
    execution: str | None = None
    tag: str | None = None
    include_attachments: bool = False
    attachment_target_type: str | None = pydantic.Field(None, min_length=1, max_length=255)
    attachment_target_id: str | None = pydantic.Field(None, min_length=1, max_length=255)


class ListVersionsQuery(pydantic.BaseModel):
    """``GET /controls/{id}/versions``: ``cursor`` (a version number; results are older),
    ``limit`` 1..100 (default 20)."""

    cursor: int | None = None
    limit: int = pydantic.Field(20, ge=1, le=100)


class DeleteControlQuery(pydantic.BaseModel):
    """``DELETE /controls/{id}``: ``force`` removes the control's links first."""

    force: bool = False


class ListBindingsQuery(pydantic.BaseModel):
    """``GET /control-bindings``: ``cursor`` (an id, checked by the selector: a bad one is a
    400), ``limit`` 1..100 (default 20), exact filters without length limits."""

    cursor: str | None = None
    limit: int = pydantic.Field(20, ge=1, le=100)
    target_type: str | None = None
    target_id: str | None = None
    control_id: int | None = None
