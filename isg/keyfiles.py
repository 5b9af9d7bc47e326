"""Secrets kept in a file beside the database when no setting gives them: the embedded
default for the audit log's HMAC key, its checkpoint signing key and the data
key-encryption key, each generated on first use."""

import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

logger = logging.getLogger("isg.keys")

Key = TypeVar("Key")


def key_file_lines(path: Path, *, generate: Callable[[], str], warning: str) -> list[str]:
    """The file's non-empty lines; a missing file is first created holding `generate()`.

    Created readable by its owner only (0600) and exclusively (O_EXCL): of two processes
    starting at once, the second uses the first's key rather than writing another. Creating
    it logs `warning` and prints it on stderr, so whoever started the process sees it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(generate() + "\n")
            logger.warning(warning)
            sys.stderr.write(f"WARNING: {warning}\n")
    return [line.strip() for line in path.read_text(encoding="ascii").splitlines() if line.strip()]


def configured_keys(
    configured: Sequence[str],
    parse: Callable[[str, str], Key],
    *,
    setting: str,
    path: Path,
    generate: Callable[[], str],
    warning: str,
) -> list[Key]:
    """The keys `setting` gives (`configured`), else those of its key file (`key_file_lines`,
    created holding `generate()` on first use), each read by `parse(text, where it came
    from)` so that a bad key names its origin."""
    if configured:
        return [parse(text, setting) for text in configured]
    lines = key_file_lines(path, generate=generate, warning=warning)
    return [parse(line, str(path)) for line in lines]
