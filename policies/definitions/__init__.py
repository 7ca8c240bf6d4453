"""The control definition's one home: the ``Control.data`` JSON, from request to engine.

- ``predicates``  what a stored definition says about itself: rendered, enabled, template-backed,
                  active; the same questions as SQL conditions for the list queries.
- ``parsing``     stored JSON -> ``ParsedControl`` (the library's models, compact and full JSON, the
                  engine's runtime model, evaluator names, problems), parsed once per distinct text.
- ``storing``     a validated request definition -> the JSON stored in ``Control.data``.
- ``templates``   control input (raw, or a template with values) -> what is stored: a raw
                  definition, a rendered template, or a disabled draft; ``CONTROL_TEMPLATE_CONFLICT``.
- ``rendering``   a template and its values -> a ``ControlDefinition`` (``$param`` substitution).
- ``template_checks``, ``template_errors``  the checks of a template and its values before
                  rendering, and their 422 ``TEMPLATE_*`` errors.
- ``errors``      the 422 ``CORRUPTED_DATA`` error for a stored definition that no longer parses.
- ``effective``   an owner's effective controls (direct links, those of its policies and, with a
                  target, the target's bound ones) as one query, and the response shapes built
                  from parsed rows.

Everything that reads or writes a control definition goes through these modules; the library
(``agent-control-models``) does the validating.
"""
