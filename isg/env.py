"""Tiny helpers that read settings from the environment with safe defaults."""

import os

from django.core.exceptions import ImproperlyConfigured

WEAK_KEY_MARKERS = ("django-insecure", "changeme", "change-me", "secret", "dev-key")
MIN_KEY_LENGTH = 50
MIN_KEY_UNIQUE_CHARS = 5


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key_problem(key: str | None) -> str | None:
    """Say why a SECRET_KEY is unfit for production, or return None if it is fine.

    Mirrors Django's own security.W009 check so that the app refuses to start
    rather than merely warning under `check --deploy`.
    """
    if not key:
        return "SECRET_KEY is not set"
    if len(key) < MIN_KEY_LENGTH:
        return f"SECRET_KEY is too short ({len(key)} characters; at least {MIN_KEY_LENGTH})"
    if len(set(key)) < MIN_KEY_UNIQUE_CHARS:
        return "SECRET_KEY uses too few different characters"
    lowered = key.lower()
    for marker in WEAK_KEY_MARKERS:
        if lowered.startswith(marker):
            return f"SECRET_KEY looks like a placeholder (starts with {marker!r})"
    return None
