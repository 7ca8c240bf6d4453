"""Dotted-path settings: import what a ``TENANCY_*`` setting names, cache it, forget it when any
``TENANCY_*`` setting changes.

Like DRF's ``api_settings`` and ``django.contrib.auth.get_user_model``: the setting is read on
first use (not at import), errors are ``ImproperlyConfigured`` naming the setting and saying how to
fix it, and the cache is dropped on ``setting_changed`` so ``override_settings`` and pytest-django's
``settings`` fixture swap the object. The system checks (``tenancy.checks``) call the same loaders.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .conf import get_setting, setting_name

_loaded: dict[str, Any] = {}


def import_dotted(key: str, path: object, noun: str) -> Any:
    """The object at dotted ``path``, the value of setting ``TENANCY_<key>``.

    Raises ``ImproperlyConfigured`` naming the setting when ``path`` is not a string (``noun``
    says what it should name: ``"resolver class"``) or cannot be imported.
    """
    name = setting_name(key)
    if not isinstance(path, str):
        article = "an" if noun[0] in "aeiou" else "a"
        raise ImproperlyConfigured(
            f"{name} must be a dotted path string to {article} {noun}, got "
            f"{type(path).__name__} {path!r}."
        )
    try:
        return import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{name} = {path!r} could not be imported: {exc}") from exc


def instantiate(key: str, path: str, cls: Any) -> Any:
    """``cls()`` if ``cls`` is a class, else ``None``; ``ImproperlyConfigured`` naming the
    setting when the class needs arguments."""
    if not isinstance(cls, type):
        return None
    try:
        return cls()
    except TypeError as exc:
        raise ImproperlyConfigured(
            f"{setting_name(key)} = {path!r} must be instantiable without arguments: {exc}"
        ) from exc


def import_instance(key: str, path: object, protocol: type, *, what: str, method: str) -> Any:
    """An instance of the class at dotted ``path`` (setting ``TENANCY_<key>``) that satisfies
    the runtime-checkable ``protocol``.

    ``ImproperlyConfigured`` names the setting when ``path`` is not a string, cannot be imported,
    needs arguments, or is not ``what`` (``"a tenant resolver"``): a class whose instances have
    ``method`` (``"a resolve(request) -> str"``).
    """
    noun = what.split()[-1]
    instance = instantiate(key, path, import_dotted(key, path, f"{noun} class"))
    if instance is None or not isinstance(instance, protocol):
        raise ImproperlyConfigured(
            f"{setting_name(key)} = {path!r} is not {what}: it must name a class whose instances "
            f"have {method} method."
        )
    return instance


def load_cached(key: str, load: Callable[[object], Any]) -> Any:
    """``load(<value of TENANCY_<key>>)``, computed once and kept until a ``TENANCY_*`` setting
    changes."""
    try:
        return _loaded[key]
    except KeyError:
        value = _loaded[key] = load(get_setting(key))
        return value


@receiver(setting_changed)
def _forget_loaded(*, setting: str, **kwargs) -> None:
    if setting.startswith("TENANCY_"):
        _loaded.clear()
