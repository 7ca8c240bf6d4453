"""``ASCIIJSONRenderer``: JSON with every non-ASCII character escaped.

For responses that echo caller data back (evaluation previews of the step): an unpaired surrogate
in the input cannot be encoded as UTF-8, but ``"\\ud800"`` is valid JSON text.
"""

from rest_framework.renderers import JSONRenderer


class ASCIIJSONRenderer(JSONRenderer):
    ensure_ascii = True
