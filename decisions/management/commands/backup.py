"""Back up the database: SQLite online, PostgreSQL through pg_dump. See docs/security.md."""

import datetime
import os
import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

BACKUP_DIR = settings.VAR_DIR / "backups"


def _private_file(path: Path) -> None:
    """Create `path` empty and readable by its owner only (0600), refusing to overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CommandError(f"{path} already exists: choose another --output") from None
    os.close(fd)


def _pg_conninfo() -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {
        "host": str(db.get("HOST") or ""),
        "port": str(db.get("PORT") or ""),
        "user": str(db.get("USER") or ""),
        "dbname": str(db["NAME"]),
    }


def _pg_args(info: dict[str, str]) -> list[str]:
    args = []
    for flag, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
        if info[key]:
            args.append(f"{flag}={info[key]}")
    return args


class Command(BaseCommand):
    help = (
        "Back up the database. SQLite: an online copy (sqlite3 backup API, safe while the "
        "app runs) to var/backups/, mode 0600. PostgreSQL: prints the pg_dump and pg_restore "
        "commands to use, or runs pg_dump with --run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", metavar="PATH", help="Where to write the backup.")
        parser.add_argument(
            "--run", action="store_true", help="PostgreSQL: run pg_dump instead of printing it."
        )

    def handle(
        self, *args: Any, output: str | None = None, run: bool = False, **options: Any
    ) -> None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        if connection.vendor == "sqlite":
            path = Path(output) if output else BACKUP_DIR / f"isg-{stamp}.sqlite3"
            self._sqlite(path)
        elif connection.vendor == "postgresql":
            path = Path(output) if output else BACKUP_DIR / f"isg-{stamp}.dump"
            self._postgres(path, run)
        else:
            raise CommandError(f"backups of {connection.vendor} databases are not supported")

    def _sqlite(self, path: Path) -> None:
        if connection.in_atomic_block:
            # The backup would wait for our own open write transaction for ever.
            raise CommandError("cannot back up from inside a transaction")
        _private_file(path)
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            with target:
                connection.connection.backup(target)
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as error:
            target.close()
            path.unlink(missing_ok=True)
            raise CommandError(f"backup failed: {error}") from None
        target.close()
        if check != "ok":
            raise CommandError(f"the backup in {path} failed its integrity check: {check}")
        self.stdout.write(f"Backed up to {path}")
        self.stdout.write(
            "To restore: stop ISG, move var/isg.sqlite3 and any isg.sqlite3-wal and "
            f"isg.sqlite3-shm aside, copy {path} to var/isg.sqlite3, start ISG, then run "
            "`python manage.py verify_audit`."
        )

    def _postgres(self, path: Path, run: bool) -> None:
        info = _pg_conninfo()
        dump = [
            "pg_dump",
            *_pg_args(info),
            "--format=custom",
            "--no-owner",
            f"--file={path}",
            info["dbname"],
        ]
        restore = [
            "pg_restore",
            *_pg_args(info),
            "--no-owner",
            "--exit-on-error",
            "--dbname=NEW_DATABASE",
            str(path),
        ]
        if not run:
            self.stdout.write("PostgreSQL: back up with pg_dump (password from ~/.pgpass or")
            self.stdout.write("PGPASSWORD), keep the file private (umask 077):")
            self.stdout.write(f"  umask 077 && {shlex.join(dump)}")
            self.stdout.write("Restore into a new, empty database, then check the audit log:")
            self.stdout.write(f"  createdb {shlex.join(_pg_args(info))} NEW_DATABASE")
            self.stdout.write(f"  {shlex.join(restore)}")
            self.stdout.write(
                "  DATABASE_URL=postgres://…/NEW_DATABASE python manage.py verify_audit"
            )
            self.stdout.write("Or run this command with --run to take the dump now.")
            return
        if shutil.which("pg_dump") is None:
            raise CommandError("pg_dump is not installed (apt-get install postgresql-client)")
        _private_file(path)
        env = {**os.environ}
        password = settings.DATABASES["default"].get("PASSWORD")
        if password:
            env["PGPASSWORD"] = str(password)
        result = subprocess.run(dump, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            path.unlink(missing_ok=True)
            message = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
            raise CommandError(f"pg_dump failed: {message}")
        self.stdout.write(f"Backed up to {path}")
        self.stdout.write(f"To restore into a new database: {shlex.join(restore)}")
