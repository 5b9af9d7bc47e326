"""`manage.py backup` makes a private copy that restores, with an intact audit log."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from decisions.audit import record as audit_log
from decisions.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]


def _write_history(world, n: int = 5) -> None:
    for i in range(n):
        audit_log.record(
            action=AuditEntry.Action.CASE_UPDATED,
            actor=world.users["practitioner"],
            obj=world.case,
            case=world.case,
            snapshot={"n": i},
        )


def _verify_audit(database_url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="isg.settings_test",
        AUDIT_KEY=",".join(settings.AUDIT_KEYS),
    )
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit", "--no-progress"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_is_private_and_restores_with_an_intact_audit_log(world, tmp_path, capsys):
    _write_history(world)
    entries = AuditEntry.objects.count()
    backup = tmp_path / "backup.sqlite3"
    call_command("backup", output=str(backup))
    assert "Backed up to" in capsys.readouterr().out
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    # Restore: copy the file into place as a fresh database, then check it.
    restored = tmp_path / "restored" / "isg.sqlite3"
    restored.parent.mkdir()
    shutil.copy(backup, restored)
    result = _verify_audit(f"sqlite:///{restored}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{entries} entries" in result.stdout or str(entries) in result.stdout


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_defaults_to_a_timestamped_file_in_var_backups(monkeypatch, tmp_path):
    from decisions.management.commands import backup

    monkeypatch.setattr(backup, "BACKUP_DIR", tmp_path / "backups")
    call_command("backup")
    (made,) = (tmp_path / "backups").iterdir()
    assert made.name.startswith("isg-") and made.suffix == ".sqlite3"


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_backup_refuses_to_overwrite(tmp_path):
    existing = tmp_path / "there.sqlite3"
    existing.write_text("keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=str(existing))
    assert existing.read_text() == "keep me"


@pytest.mark.sqlite
def test_backup_refuses_to_run_inside_a_transaction(db, tmp_path):
    with pytest.raises(CommandError, match="inside a transaction"):
        call_command("backup", output=str(tmp_path / "b.sqlite3"))


@pytest.mark.postgres
def test_postgres_backup_prints_pg_dump_and_pg_restore(on_postgres, capsys):
    call_command("backup", output="/tmp/isg.dump")
    out = capsys.readouterr().out
    name = connection.settings_dict["NAME"]
    assert "pg_dump --host=127.0.0.1 --port=5432 --username=root --format=custom" in out
    assert f"--file=/tmp/isg.dump {name}" in out
    assert "pg_restore" in out and "verify_audit" in out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_with_an_intact_audit_log(on_postgres, world, tmp_path):
    _write_history(world)
    dump = tmp_path / "isg.dump"
    call_command("backup", output=str(dump), run=True)
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    fresh = f"isg_restore_{os.getpid()}"
    base = ["--host=127.0.0.1", "--port=5432", "--username=root"]
    subprocess.run(["dropdb", *base, "--if-exists", fresh], check=True)
    subprocess.run(["createdb", *base, fresh], check=True)
    try:
        subprocess.run(
            ["pg_restore", *base, "--no-owner", "--exit-on-error", f"--dbname={fresh}", str(dump)],
            check=True,
        )
        result = _verify_audit(f"postgres://root@127.0.0.1:5432/{fresh}")
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        subprocess.run(["dropdb", *base, "--if-exists", fresh], check=True)
