"""The control definition's one home: the ``Control.data`` JSON, from request to engine.

- ``predicates``  what a stored definition says about itself: rendered, enabled, template-backed,
                  active; the same questions as SQL conditions for the list queries.
- ``parsing``     stored JSON -> ``ParsedControl`` (the library's models, compact and full JSON, the
                  engine's runtime model, evaluator names, problems), parsed once per distinct text.
- ``storing``     a validated request definition -> the JSON stored in ``Control.data``.
- ``errors``      the 422 ``CORRUPTED_DATA`` error for a stored definition that no longer parses.
- ``effective``   an owner's effective controls (direct links plus those of its policies) as one
                  query, and the response shapes built from parsed rows.

Everything that reads or writes a control definition goes through these modules; the library
(``agent-control-models``) does the validating.
"""
