import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.audit import verify, verify_ranges


class Command(BaseCommand):
    help = (
        "Recompute every audit entry's SHA-256 and HMAC and check the chain, then recompute "
        "the Merkle tree and hold it against every signed checkpoint, stored or witnessed. "
        "Exits 0 if the log is intact, 1 naming the first entry, or the checkpoint, it "
        "contradicts. The outcome is kept for the safeguarding lead's review screen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            type=int,
            metavar="SEQ",
            help="Start at entry SEQ, trusting the stored hash of the entry before it.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar, even on a terminal."
        )
        parser.add_argument(
            "--workers",
            type=_positive,
            default=verify_ranges.default_workers(),
            metavar="N",
            help=(
                "Check the log on N processes (default: one per CPU, %(default)s here); "
                "1 checks it in this process alone."
            ),
        )
        parser.add_argument(
            "--witness-dir",
            action="append",
            default=[],
            metavar="DIR",
            help=(
                "Also check every checkpoint a witness keeps in DIR (AUDIT_WITNESS_DIR is "
                "always checked). Repeatable."
            ),
        )

    def handle(
        self,
        *args: Any,
        since: int | None = None,
        no_progress: bool = False,
        witness_dir: list[str] | None = None,
        workers: int = 1,
        **options: Any,
    ) -> None:
        progress = None
        if not no_progress and sys.stderr.isatty():
            progress = _progress_bar(sys.stderr)
        result = verify.verify_and_record(
            since=since, progress=progress, witness_dirs=witness_dir or [], workers=workers
        )
        if result.intact:
            self.stdout.write(result.message)
            return
        raise CommandError(result.message, returncode=1)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of processes, 1 or more, not {text!r}")
    return value


def _progress_bar(stream: TextIO, width: int = 40) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        total = max(total, done, 1)
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        stream.write(f"\r[{bar}] {done}/{total} entries")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show
