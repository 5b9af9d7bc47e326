from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.audit import checkpoints, tree


class Command(BaseCommand):
    help = (
        "Sign the audit log's Merkle tree as it is now (a C2SP checkpoint), store it and send "
        "it to every witness: AUDIT_WITNESS_DIR and --witness-dir, AUDIT_WITNESS_EMAILS, "
        "AUDIT_WITNESS_URLS. Run hourly. Exit 1 if signing would contradict an earlier "
        "checkpoint, 2 if a witness could not be reached."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--witness-dir",
            action="append",
            default=[],
            metavar="DIR",
            help="Also write the checkpoint into DIR (one file per checkpoint). Repeatable.",
        )

    def handle(self, *args: Any, witness_dir: list[str], **options: Any) -> None:
        try:
            outcome = checkpoints.make_checkpoint(witness_dirs=witness_dir)
        except (checkpoints.CheckpointRefused, tree.TreeError) as error:
            raise CommandError(f"checkpoint refused: {error}", returncode=1) from None
        checkpoint = outcome.checkpoint
        if not outcome.created:
            self.stdout.write(f"no new entries since checkpoint {checkpoint.tree_size}")
            return
        self.stdout.write(checkpoint.note, ending="")
        for delivery in outcome.deliveries:
            status = "sent" if delivery["ok"] else f"FAILED: {delivery['error']}"
            self.stdout.write(f"{delivery['witness']}: {status}")
        if not outcome.all_delivered:
            raise CommandError("checkpoint stored, but not every witness has it", returncode=2)
