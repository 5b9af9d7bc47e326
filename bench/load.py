"""Load test: gunicorn on PostgreSQL on loopback, driven by Locust; then a no-loss check.

    .venv/bin/python bench/load.py [--users 50] [--seconds 120] [--workers 4] [--cases 5000]

1. A fresh database `isg_load` (dropped and re-created each run), migrated and seeded
   with `seed_volume --cases N`.
2. The plan for Locust (bench/results/load_plan.json): practitioner accounts with their
   open requests, the answers that take each framework to submit, manager accounts with a
   TOTP device of known key (generated accounts only).
3. gunicorn (`--workers`, `--no-control-socket`) on 127.0.0.1 with production settings
   (DEBUG off, strong keys) adapted to plain http by bench/settings.py.
4. Locust, headless: `--users` simulated users (4 practitioners to 1 manager) for
   `--seconds`, then it stops by itself; gunicorn is stopped after it.
5. The floor phase: the same number of users, signed in as practitioners, asking for the
   floor view (bench/urls.py) with no wait for `--floor-seconds`: what the same gunicorn
   serves at most through the same middleware. The app mix's throughput is reported as a
   ratio of the floor's (issue 16's target: ≥ 1/3); it is a ratio of capacities when the
   app mix is saturated too (its median latency far above the 0.5-2 s think time).
6. verify_audit, and a count: decisions written and DECISION_SUBMITTED entries made during
   the run, against the submits Locust saw succeed. Everything goes to bench/results/,
   the figures bench/run.py prints also to bench/results/load-latest.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
PG_URL = os.environ.get("PG_URL", "postgres://root@127.0.0.1:5432")
DB_NAME = "isg_load"
TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key


def _env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }


def _run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=_env(), check=True, text=True, **kwargs)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Inside Django (run as `load.py --worker plan|check START`) -----------------------------


def worker_plan(practitioners: int, managers: int) -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from decisions.models import ShareRequest
    from decisions.seeding import volume, volume_data
    from guidance import catalogue
    from guidance.vocabulary import answer_key
    from isg.accounts.models import Membership, Role

    answers, steps = {}, {}
    for framework in volume_data.FACT_SETS:
        templates = volume_data.decision_templates(framework)
        definition = catalogue.definition(framework)
        # An answer to every question, not only those on the first template's path: a user
        # may resume a generated draft that went another way. The first template's answers
        # first, then the other templates', then the fallbacks.
        known = {**volume_data.FALLBACK_FACTS}
        for other in reversed(templates):
            known.update(other.facts)
        answers[framework] = {
            q["id"]: answer_key(known[q["fact"]])
            for q in definition["questions"]
            if q["fact"] in known
        }
        # Likewise every record step any template reaches (a resumed draft may need "items"
        # where the first template's path had none), the first template's taking precedence.
        steps[framework] = {}
        for other in reversed(templates):
            steps[framework].update(other.raw_answers)

    def accounts(role, count):
        chosen = (
            Membership.objects.filter(role=role, organisation__in=volume.generated_organisations())
            .select_related("user", "organisation")
            .order_by("user__username")
        )
        by_org = {}
        for membership in chosen:
            by_org.setdefault(membership.organisation_id, []).append(membership)
        spread = [m for group in zip(*by_org.values(), strict=False) for m in group]
        return spread[:count]

    plan_practitioners = []
    for membership in accounts(Role.PRACTITIONER, practitioners):
        requests = list(
            ShareRequest.objects.filter(
                case__assigned=membership.user, status__in=ShareRequest.OPEN_STATUSES
            ).values_list("pk", flat=True)[:20]
        )
        if not requests:  # none open: decide again on their latest ones
            requests = list(
                ShareRequest.objects.filter(case__assigned=membership.user)
                .order_by("-created_at")
                .values_list("pk", flat=True)[:5]
            )
        plan_practitioners.append(
            {
                "username": membership.user.username,
                "framework": membership.organisation.default_framework,
                "requests": [str(pk) for pk in requests],
            }
        )
    plan_managers = []
    for membership in accounts(Role.MANAGER, managers):
        TOTPDevice.objects.filter(user=membership.user).delete()
        TOTPDevice.objects.create(user=membership.user, name="load", key=TOTP_KEY, confirmed=True)
        plan_managers.append({"username": membership.user.username, "totp_key": TOTP_KEY})
    return {
        "password": volume.PASSWORD,
        "practitioners": plan_practitioners,
        "managers": plan_managers,
        "answers": answers,
        "steps": steps,
        "approvals_url": "/approvals/",
    }


def worker_check(since: float) -> dict:
    import datetime

    from decisions.audit import verify
    from decisions.models import AuditEntry, Decision

    start = datetime.datetime.fromtimestamp(since, tz=datetime.UTC)
    result = verify.verify_and_record(source="bench/load.py")
    return {
        "decisions_written": Decision.objects.filter(decided_at__gte=start).count(),
        "decision_submitted_entries": AuditEntry.objects.filter(
            action=AuditEntry.Action.DECISION_SUBMITTED, created_at__gte=start
        ).count(),
        "audit_entries_total": AuditEntry.objects.count(),
        "verify_audit": result.message,
        "verify_intact": result.intact,
    }


def _worker(argv: list[str]) -> int:
    import django

    django.setup()
    if argv[0] == "plan":
        print(json.dumps(worker_plan(int(argv[1]), int(argv[2]))))
    else:
        print(json.dumps(worker_check(float(argv[1]))))
    return 0


# --- The run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        return _worker(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--floor-seconds", type=int, default=30, help="the floor phase")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)

    print(f"database {DB_NAME}: re-creating, migrating, seeding {args.cases} cases...")
    _run("dropdb", "-h", "127.0.0.1", "-U", "root", "--if-exists", DB_NAME)
    _run("createdb", "-h", "127.0.0.1", "-U", "root", DB_NAME)
    _run(sys.executable, "manage.py", "migrate", "--no-input", "-v0", "--skip-checks")
    _run(
        sys.executable,
        "manage.py",
        "seed_volume",
        "--cases",
        str(args.cases),
        "--skip-checks",
        capture_output=True,
    )
    _run("psql", f"{PG_URL}/{DB_NAME}", "-qc", "VACUUM ANALYZE")
    managers = max(1, args.users // 5)
    plan = _run(
        sys.executable,
        __file__,
        "--worker",
        "plan",
        str(args.users),
        str(managers),
        capture_output=True,
    ).stdout
    plan_file = RESULTS / "load_plan.json"
    plan_file.write_text(plan.strip().splitlines()[-1])
    counts_file = RESULTS / "load_counts.json"
    counts_file.unlink(missing_ok=True)

    port = _free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "isg.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--no-control-socket",
            "--timeout",
            "60",
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=_env(),
        stdout=open(RESULTS / "load_gunicorn_access.log", "w"),  # noqa: SIM115
        stderr=open(RESULTS / "load_gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        started = time.time()
        print(f"gunicorn on 127.0.0.1:{port}; Locust: {args.users} users for {args.seconds} s")
        _locust(args.users, args.seconds, port, "load", ["Practitioner", "Manager"], counts_file)
        checked = time.time()
        floor_counts = RESULTS / "load_floor_counts.json"
        print(f"floor phase: {args.users} users, no wait, {args.floor_seconds} s")
        _locust(args.users, args.floor_seconds, port, "load_floor", ["FloorUser"], floor_counts)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()

    check = json.loads(
        _run(sys.executable, __file__, "--worker", "check", str(started), capture_output=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    counted = json.loads(counts_file.read_text())
    summary = _summary(RESULTS / "load_stats.csv", args, counted, check)
    lost = not (
        counted["submits"] == check["decisions_written"] == check["decision_submitted_entries"]
    )
    app = _row(RESULTS / "load_stats.csv", "Aggregated")
    floor = _row(RESULTS / "load_floor_stats.csv", "floor")
    app_rps, floor_rps = float(app["Requests/s"]), float(floor["Requests/s"])
    figures = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(),
        "users": args.users,
        "seconds": args.seconds,
        "floor_seconds": args.floor_seconds,
        "cases": args.cases,
        "app_rps": app_rps,
        "app_p50_ms": float(app["50%"]),
        "floor_rps": floor_rps,
        "floor_p50_ms": float(floor["50%"]),
        "ratio": round(app_rps / floor_rps, 3) if floor_rps else 0.0,
        "failures": int(app["Failure Count"]) + int(floor["Failure Count"]),
        # Errors in the scenario itself (a task that raised), which Locust does not count as
        # failed requests: the user's decision was abandoned half-way.
        "exceptions": _exceptions(RESULTS / "load_exceptions.csv")
        + _exceptions(RESULTS / "load_floor_exceptions.csv"),
        "lost": lost,
        "verify_intact": check["verify_intact"],
        "load_average": os.getloadavg(),
        "duration_s": round(checked - started),
    }
    summary += (
        f"\nfloor phase ({args.users} users, no wait, {args.floor_seconds} s): "
        f"{floor_rps:.1f} req/s, p50 {floor['50%']} ms, {floor['Failure Count']} failures"
        f"\nexceptions in the scenario (tasks abandoned, not failed requests): "
        f"{figures['exceptions']}"
        f"\napp mix / floor throughput: {app_rps:.1f} / {floor_rps:.1f} = {figures['ratio']:.2f} "
        f"(target ≥ 1/3); machine load {figures['load_average'][0]:.2f} on {os.cpu_count()} CPUs"
    )
    print(summary)
    (RESULTS / "load-latest.txt").write_text(summary + "\n")
    (RESULTS / "load-latest.json").write_text(json.dumps(figures))
    return 1 if lost or not check["verify_intact"] else 0


def _locust(
    users: int, seconds: int, port: int, csv_prefix: str, classes: list[str], counts: Path
) -> None:
    subprocess.run(
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            "10",
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "20",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(RESULTS / csv_prefix),
            "--only-summary",
            "--exit-code-on-error",
            "0",
            *classes,
        ],
        cwd=ROOT,
        env={**_env(), "LOAD_PLAN": str(RESULTS / "load_plan.json"), "LOAD_COUNTS": str(counts)},
        check=True,
        timeout=seconds + 120,
    )


def _exceptions(exceptions_csv: Path) -> int:
    if not exceptions_csv.exists():
        return 0
    return sum(int(row["Count"]) for row in csv.DictReader(exceptions_csv.open()))


def _row(stats_csv: Path, name: str) -> dict:
    for row in csv.DictReader(stats_csv.open()):
        if row["Name"] == name:
            return row
    raise SystemExit(f"{stats_csv}: no row named {name!r}")


def _summary(stats_csv: Path, args, counted: dict, check: dict) -> str:
    rows = list(csv.DictReader(stats_csv.open()))
    lines = [
        f"Load test: {args.users} users, {args.seconds} s, gunicorn {args.workers} workers, "
        f"PostgreSQL, {args.cases} cases seeded",
        "",
        f"{'request':<36}{'count':>8}{'fail':>6}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}",
    ]
    for row in rows:
        lines.append(
            f"{(row['Type'] + ' ' + row['Name']).strip():<36}"
            f"{row['Request Count']:>8}{row['Failure Count']:>6}"
            f"{float(row['Requests/s']):>8.1f}{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}"
        )
    lines += [
        "(latencies in ms)",
        "",
        f"submits counted by Locust: {counted['submits']} "
        f"(failed submits: {counted['submit_failures']})",
        f"decisions written during the run: {check['decisions_written']}; "
        f"DECISION_SUBMITTED entries: {check['decision_submitted_entries']}",
        f"verify_audit: {check['verify_audit']}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
