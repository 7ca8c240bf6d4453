"""Control and policy names (the reference's ``SlugName``): trimmed, 1-255 characters,
``^[a-zA-Z0-9][a-zA-Z0-9_-]*$``, case preserved and unique case-sensitively within a tenant."""

from django.core.validators import RegexValidator

SLUG_NAME_MAX_LENGTH = 255
SLUG_NAME_PATTERN = r"^[a-zA-Z0-9][a-zA-Z0-9_-]*\Z"

validate_slug_name = RegexValidator(
    SLUG_NAME_PATTERN,
    "Names start with a letter or digit and contain only letters, digits, '-' and '_'.",
    code="invalid_name",
)
