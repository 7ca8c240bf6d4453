"""Shared DRF pieces of the v1 API: the error envelope, request validation, pagination, health."""
