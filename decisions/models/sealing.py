"""Crypto-shredding: personal text in immutable rows, sealed under a per-case data key.

Each case (and each delivery) has a random AES-256 data key (`DataKey`), stored wrapped under
the key-encryption key (KEK) that lives outside the database (`DATA_KEY_ENCRYPTION_KEY`, or
var/data_key). Sealed values are ``isg1:`` + base64(nonce ‖ AES-GCM ciphertext), with the
scope and the field as associated data. Destroying a scope's key (erasure, docs/retention.md)
makes every value sealed under it unreadable, while the rows themselves never change.
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from isg.keyfiles import configured_keys

logger = logging.getLogger(__name__)

PREFIX = "isg1:"
NONCE_BYTES = 12
ERASED_TEXT = "Erased under the retention schedule"
# How long a process may keep an unwrapped key without asking the database again: a key
# destroyed elsewhere is unusable everywhere within this time (and at the next request).
CACHE_SECONDS = 60


class KeyDestroyed(Exception):
    """The scope's data key was destroyed: its records were erased."""


# --- The key-encryption key -----------------------------------------------------


@dataclass(frozen=True)
class Kek:
    key_id: str
    secret: bytes


def parse_kek(text: str, origin: str) -> Kek:
    key_id, sep, encoded = text.strip().partition(":")
    try:
        secret = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        secret = b""
    if not sep or not key_id.strip() or len(key_id) > 20 or len(secret) != 32:
        raise ImproperlyConfigured(
            f"{origin}: a data key-encryption key is written keyid:base64, with a key id of at "
            "most 20 characters and 32 bytes of key (docs/retention.md)"
        )
    return Kek(key_id.strip(), secret)


def new_kek_text() -> str:
    return f"local-{secrets.token_hex(4)}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def keks() -> list[Kek]:
    """The configured KEKs, the one that wraps new data keys first. Never empty."""
    path = Path(settings.DATA_KEY_ENCRYPTION_KEY_FILE)
    found = configured_keys(
        getattr(settings, "DATA_KEY_ENCRYPTION_KEYS", []),
        parse_kek,
        setting="DATA_KEY_ENCRYPTION_KEY",
        path=path,
        generate=new_kek_text,
        warning=(
            f"DATA_KEY_ENCRYPTION_KEY is not set: generated one in {path}. Keep a copy "
            "away from the database's backups; without it no sealed record can be read. "
            "In production set DATA_KEY_ENCRYPTION_KEY instead (docs/retention.md)."
        ),
    )
    if not found:
        raise ImproperlyConfigured("No DATA_KEY_ENCRYPTION_KEY (docs/retention.md)")
    return found


# --- Pure operations (the migration that seals old rows uses these too) ----------


def wrap(kek: Kek, data_key: bytes, scope: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(kek.secret).encrypt(nonce, data_key, scope.encode())


def unwrap(kek: Kek, wrapped: bytes, scope: str) -> bytes:
    wrapped = bytes(wrapped)
    try:
        return AESGCM(kek.secret).decrypt(
            wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], scope.encode()
        )
    except InvalidTag:
        raise ImproperlyConfigured(
            f"the data key of {scope} does not unwrap under key {kek.key_id}"
        ) from None


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal_text(data_key: bytes, text: str, aad: str) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = nonce + AESGCM(data_key).encrypt(nonce, text.encode("utf-8"), aad.encode())
    return PREFIX + base64.b64encode(sealed).decode("ascii")


def open_text(data_key: bytes, token: str, aad: str) -> str:
    raw = base64.b64decode(token[len(PREFIX) :])
    try:
        plain = AESGCM(data_key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad.encode())
    except InvalidTag:
        raise ImproperlyConfigured(f"a sealed value does not open under its key ({aad})") from None
    return plain.decode("utf-8")


def field_aad(scope: str, model_label: str, field_name: str) -> str:
    """The associated data of a sealed field: its value cannot be moved to another row's key
    or another field."""
    return f"{scope}|{model_label}.{field_name}"


def case_scope(case_id: object) -> str:
    return f"case:{case_id}"


def delivery_scope(delivery_id: object) -> str:
    return f"delivery:{delivery_id}"


# --- Stored keys -------------------------------------------------------------------


class DataKey(models.Model):
    """A case's (or a delivery's) data key, wrapped under the KEK; NULL once destroyed.

    Changed once, by erasure (docs/retention.md); `destroyed_at` says when.
    """

    scope = models.CharField(max_length=60, unique=True)
    case = models.ForeignKey(
        "decisions.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kek_id = models.CharField(max_length=20)
    wrapped = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "decisions"

    def __str__(self) -> str:
        return f"{self.scope}{' (destroyed)' if self.destroyed_at else ''}"


_cache: dict[str, tuple[bytes | None, float]] = {}


def forget_keys(**kwargs: object) -> None:
    """Drop every unwrapped key this process holds (at each request's start and end)."""
    _cache.clear()


request_started.connect(forget_keys, dispatch_uid="sealing_forget_keys_started")
request_finished.connect(forget_keys, dispatch_uid="sealing_forget_keys_finished")


def _unwrapped(row: DataKey) -> bytes | None:
    if row.wrapped is None:
        return None
    by_id = {kek.key_id: kek for kek in keks()}
    kek = by_id.get(row.kek_id)
    if kek is None:
        raise ImproperlyConfigured(
            f"the data key of {row.scope} is wrapped under key {row.kek_id}, which is not "
            "configured in DATA_KEY_ENCRYPTION_KEY"
        )
    return unwrap(kek, row.wrapped, row.scope)


def _case_id_of(scope: str) -> str | None:
    kind, _, ident = scope.partition(":")
    return ident if kind == "case" else None


def data_key(scope: str, *, create: bool = False) -> bytes | None:
    """The scope's data key; None if there is none (or it was destroyed and not `create`).

    `create` makes one if the scope has none; it raises KeyDestroyed for a destroyed scope,
    so nothing new is ever sealed under an erased case.
    """
    cached = _cache.get(scope)
    if cached is not None and time.monotonic() - cached[1] < CACHE_SECONDS:
        if cached[0] is None and create:
            raise KeyDestroyed(scope)
        return cached[0]
    row = DataKey.objects.filter(scope=scope).first()
    if row is None and create:
        kek = keks()[0]
        key = secrets.token_bytes(32)
        try:
            with transaction.atomic():
                row = DataKey.objects.create(
                    scope=scope,
                    case_id=_case_id_of(scope),
                    kek_id=kek.key_id,
                    wrapped=wrap(kek, key, scope),
                )
        except IntegrityError:
            row = DataKey.objects.get(scope=scope)  # another writer made it first
    if row is None:
        return None
    key_bytes = _unwrapped(row)
    if key_bytes is None and create:
        raise KeyDestroyed(scope)
    _cache[scope] = (key_bytes, time.monotonic())
    return key_bytes


def destroy(scope: str) -> bool:
    """Destroy the scope's data key (True if there was a live one). Never undone."""
    _cache.pop(scope, None)
    destroyed = DataKey.objects.filter(scope=scope, wrapped__isnull=False).update(
        wrapped=None, destroyed_at=timezone.now()
    )
    _cache[scope] = (None, time.monotonic())
    return bool(destroyed)


def seal(scope: str, text: str, aad: str) -> str:
    """`text` sealed under the scope's key (made if needed); empty text stays empty."""
    if not text:
        return text
    key = data_key(scope, create=True)
    assert key is not None
    return seal_text(key, text, aad)


def unseal(scope: str, value: str, aad: str) -> str:
    """The plain text of a sealed value; ERASED_TEXT if its key was destroyed.

    A value that is not sealed (written before sealing existed) is returned as it is.
    """
    if not is_sealed(value):
        return value
    key = data_key(scope)
    if key is None:
        return ERASED_TEXT
    return open_text(key, value, aad)
