"""Where checkpoints go once made: directories, email addresses and HTTP endpoints that
keep a copy the log's operator cannot change (settings AUDIT_WITNESS_DIR, _EMAILS, _URLS)."""

from __future__ import annotations

import functools
import logging
import os
import secrets
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail

from decisions.models import AuditCheckpoint

logger = logging.getLogger("isg.audit")

WITNESS_HTTP_TIMEOUT = 5


def _setting_list(name: str) -> list[str]:
    value = getattr(settings, name, "") or ""
    if isinstance(value, str):
        value = value.split(",")
    return [item.strip() for item in value if item and item.strip()]


def witness_dirs(extra: Sequence[str | Path] = ()) -> list[Path]:
    dirs = [Path(d) for d in extra] + [Path(d) for d in _setting_list("AUDIT_WITNESS_DIR")]
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def witness_file_name(size: int) -> str:
    return f"checkpoint-{size}.txt"


def _to_directory(directory: Path, checkpoint: AuditCheckpoint) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / witness_file_name(checkpoint.tree_size)
    if target.exists():
        if target.read_text(encoding="utf-8") == checkpoint.note:
            return
        raise RuntimeError(f"{target} already holds a different checkpoint of that size")
    temporary = directory / f".{target.name}.{secrets.token_hex(4)}"
    temporary.write_text(checkpoint.note, encoding="utf-8")
    os.replace(temporary, target)


def _to_email(address: str, checkpoint: AuditCheckpoint) -> None:
    send_mail(
        f"ISG audit log checkpoint {checkpoint.tree_size}",
        checkpoint.note,
        None,
        [address],
    )


def _to_http(url: str, checkpoint: AuditCheckpoint) -> None:
    request = urllib.request.Request(
        url,
        data=checkpoint.note.encode("utf-8"),
        headers={"Content-Type": "text/plain; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=WITNESS_HTTP_TIMEOUT) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise RuntimeError(f"HTTP {response.status}")


def send_to_witnesses(
    checkpoint: AuditCheckpoint, extra_dirs: Sequence[str | Path] = ()
) -> list[dict]:
    """Hand the note to every configured witness; one failing does not stop the others."""
    targets: list[tuple[str, Callable[[], None]]] = []
    for directory in witness_dirs(extra_dirs):
        to_directory = functools.partial(_to_directory, directory, checkpoint)
        targets.append((f"dir:{directory}", to_directory))
    for address in _setting_list("AUDIT_WITNESS_EMAILS"):
        targets.append((f"email:{address}", functools.partial(_to_email, address, checkpoint)))
    for url in _setting_list("AUDIT_WITNESS_URLS"):
        targets.append((url, functools.partial(_to_http, url, checkpoint)))
    deliveries = []
    for name, deliver in targets:
        try:
            deliver()
        except Exception as error:  # noqa: BLE001 - reported; the other witnesses still get it
            logger.warning(
                "audit checkpoint %s to %s failed: %s", checkpoint.tree_size, name, error
            )
            deliveries.append({"witness": name, "ok": False, "error": str(error)[:300]})
        else:
            deliveries.append({"witness": name, "ok": True, "error": ""})
    return deliveries


# -- proofs --------------------------------------------------------------------------------
