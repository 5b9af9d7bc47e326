"""ISG benchmarks: page latency against the floor of the stack, verify_audit, the PDF.

    .venv/bin/python bench/run.py [--quick] [--db sqlite|postgres|both] [--repeats N]

For each database it makes (once, then reuses) a database of generated data —
`seed_volume --cases N`, N = 100 000, or 2 000 with --quick: SQLite in var/bench/, PostgreSQL
`isg_bench_<N>` on 127.0.0.1 (PG_URL overrides the server) — then, in a fresh process on
bench settings (bench/settings.py), serves each page through Django's test Client
in-process: the full middleware stack, no network. Every page is reported as median and p95
latency and as a ratio to the floor, a bench-only view that returns a few bytes through the
same middleware for the same signed-in user. Also: verify_audit's rate against SHA-256 + HMAC
of the same canonical bytes with hashlib alone, and the decision PDF against an empty page
(bench/pdf.py). Results: a table on stdout and JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
FULL_CASES = 100_000
QUICK_CASES = 2_000
PG_URL = os.environ.get("PG_URL", "postgres://root@127.0.0.1:5432")
PAGE_TARGET = 3.0  # median ≤ 3× the same user's floor
P95_TARGET = 2.0  # p95 ≤ 2× the median
GROWTH_TARGET = 1.5  # median at 100 000 cases ≤ 1.5× the median at 2 000
VERIFY_TARGET = 1 / 3  # verify_audit ≥ 1/3 of hashlib alone over the same entries
VERIFY_REPEATS = 3  # verify_audit and hashlib alone are each the median of three runs
PDF_TARGET = 10.0  # decision PDF ≤ 10× an empty page
EXTRACT_ENTRIES = 5000  # the audit extract PDF of this many entries...
EXTRACT_TARGET_S = 10.0  # ...in ≤ 10 s
LOAD_TARGET = 1 / 3  # the load test's app mix ≥ 1/3 of the floor's throughput


def database_url(db: str, cases: int) -> str:
    if db == "sqlite":
        return f"sqlite:///{ROOT / 'var' / 'bench' / f'isg_bench_{cases}.sqlite3'}"
    return f"{PG_URL}/isg_bench_{cases}"


def _env(url: str, settings: str = "bench.settings") -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": settings}


def _manage(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--skip-checks"],
        cwd=ROOT,
        env=_env(url),
        check=True,
        text=True,
        capture_output=True,
    )


def prepare(db: str, cases: int) -> str:
    """The database for this size, created, migrated and seeded if it is not already."""
    url = database_url(db, cases)
    if db == "sqlite":
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    else:
        name = url.rsplit("/", 1)[1]
        exists = subprocess.run(
            [
                "psql",
                f"{PG_URL}/postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname='{name}'",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "root", name], check=True)
    _manage(url, "migrate", "--no-input", "-v0")
    probe = subprocess.run(
        [sys.executable, __file__, "--worker", "count"],
        cwd=ROOT,
        env=_env(url),
        check=True,
        text=True,
        capture_output=True,
    )
    have = int(probe.stdout.strip() or 0)
    if have == 0:
        print(f"[{db}] seeding {cases} cases (once; reused by later runs)...", flush=True)
        start = time.monotonic()
        out = _manage(url, "seed_volume", "--cases", str(cases))
        print(f"[{db}] {out.stdout.strip().splitlines()[0]} ({time.monotonic() - start:.0f} s)")
        if db == "postgres":
            subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
    elif have != cases:
        raise SystemExit(f"{url} holds {have} cases, not {cases}: drop it and run again")
    if db == "sqlite":  # as the daily cron does (README); PostgreSQL's autovacuum does it itself
        _manage(url, "refresh_statistics")
    return url


# --- The worker: runs inside Django, on one database ----------------------------------------


def _timed(action, repeats: int) -> dict:
    for _ in range(max(3, repeats // 10)):
        action()  # warm-up: templates, caches, connection
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples) * 1000, 2),
        "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))] * 1000, 2),
        "n": repeats,
    }


def _median_s(action, repeats: int):
    """The median seconds of `repeats` runs of `action`, and what its last run returned."""
    times, returned = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        returned = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), returned


def _client_for(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from isg.accounts.security import requires_two_factor

    client = Client()
    client.force_login(user)
    if requires_two_factor(user):
        # As django-otp's own tests do: a confirmed device, and the session marked verified.
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _get(client, url: str, expect: int = 200):
    def action():
        response = client.get(url)
        if response.status_code != expect:
            raise SystemExit(f"GET {url}: {response.status_code}, expected {expect}")

    return action


def _afresh(action):
    """The page with an empty cache: what the first look after a change this month costs (a
    report is cached until what it counts changes; the months that have ended are kept,
    decisions/reports/store.py)."""
    from django.core.cache import cache

    def run():
        cache.clear()
        action()

    return run


def _from_nothing(action):
    """The page with an empty cache and no report month kept: what the very first look costs
    (or the first after changes that reach every month of the period)."""
    from django.core.cache import cache

    from decisions.models import ReportMonth

    def run():
        cache.clear()
        ReportMonth.objects.all().delete()
        action()

    return run


def worker_pages(repeats: int) -> dict:
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from decisions.cases import services as case_services
    from decisions.models import AuditEntry, Case, ShareRequest
    from decisions.seeding import volume
    from decisions.wizard import services as wizard_services
    from decisions.wizard import state as wizard_state
    from guidance import engine
    from isg.accounts.models import User

    practitioner = User.objects.get(username=volume.username(0, "practitioner", 1))
    manager = User.objects.get(username=volume.username(0, "manager", 1))
    lead = User.objects.get(username=volume.username(0, "lead", 1))
    as_practitioner = _client_for(practitioner)
    as_manager = _client_for(manager)
    as_lead = _client_for(lead)

    # A typical case of theirs (with requests) and an open request to decide on.
    case = (
        Case.objects.filter(assigned=practitioner)
        .annotate(n=Count("requests"))
        .filter(n__gte=3)
        .order_by("-created_at")
        .first()
    )
    share_request = (
        ShareRequest.objects.filter(case__assigned=practitioner, status__in=["open", "in_progress"])
        .order_by("-created_at")
        .first()
    )
    if share_request is None:  # every request decided: open one, as a practitioner would
        share_request = case_services.share_request_open(
            user=practitioner,
            case=case,
            direction="incoming",
            counterpart_agency="Bench agency",
            counterpart_contact="Bench contact",
            counterpart_role="Bench role",
            purpose="Benchmark",
            information_requested="Benchmark",
        )
    draft = wizard_services.draft_start(user=practitioner, share_request=share_request)
    state = wizard_state.state_for(draft)
    first_question = engine.questions_on_path(state.definition, {})[0]
    question_url = reverse("wizard_question", args=[draft.pk, first_question])
    fact = engine.question(state.definition, first_question)["fact"]
    from guidance.vocabulary import answer_key

    answer = {"answer": answer_key(False if fact == "immediate_danger" else True)}

    def post_question():
        response = as_practitioner.post(question_url, answer)
        if response.status_code != 302:
            raise SystemExit(f"POST {question_url}: {response.status_code}")

    lowest = AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True).first()
    deep = (lowest or 0) + 1000

    floor = reverse("bench_floor")
    pages = {
        "floor (practitioner)": _get(as_practitioner, floor),
        "dashboard": _get(as_practitioner, reverse("dashboard")),
        "case list": _get(as_practitioner, reverse("case_list")),
        "case detail": _get(as_practitioner, reverse("case_detail", args=[case.pk])),
        "wizard question GET": _get(as_practitioner, question_url),
        "wizard question POST": post_question,
        "floor (lead)": _get(as_lead, floor),
        "audit list, first page": _get(as_lead, reverse("audit_list")),
        f"audit list, ?before={deep}": _get(as_lead, reverse("audit_list") + f"?before={deep}"),
        "audit list, action filter": _get(
            as_lead, reverse("audit_list") + "?action=decision_submitted"
        ),
        "reports (lead)": _get(as_lead, reverse("reports")),
        "reports (lead), counted afresh": _afresh(_get(as_lead, reverse("reports"))),
        "reports (lead), from nothing": _from_nothing(_get(as_lead, reverse("reports"))),
        "dashboard (lead)": _get(as_lead, reverse("dashboard")),
        "floor (manager)": _get(as_manager, floor),
        "dashboard (manager)": _get(as_manager, reverse("dashboard")),
    }
    try:
        approvals = reverse("approval_queue")
    except NoReverseMatch:
        approvals = "/approvals/"
    probe = as_manager.get(approvals)
    if probe.status_code == 200:
        pages["approval queue"] = _get(as_manager, approvals)
    results = {name: _timed(action, repeats) for name, action in pages.items()}
    if "approval queue" not in results:
        results["approval queue"] = {"n/a": f"GET {approvals} returned {probe.status_code}"}
    return {
        "pages": results,
        "audit_extract": worker_audit_extract(lead, repeats=1 if repeats <= 30 else 3),
        "counts": {
            "cases": Case.objects.count(),
            "audit_entries": AuditEntry.objects.count(),
            "requests": ShareRequest.objects.count(),
        },
    }


def worker_audit_extract(lead, repeats: int) -> dict:
    """The lead's audit extract PDF of EXTRACT_ENTRIES entries (the export's cap), unfiltered:
    the query, the rows and WeasyPrint, as the export view makes it (minus its audit entry)."""
    from django.http import QueryDict

    from decisions.audit import review
    from decisions.pdf.audit_extract import render_audit_extract

    entries, _form = review.reviewable(lead, QueryDict())
    available = entries.count()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        content = render_audit_extract(entries, user=lead, filters=[], limit=EXTRACT_ENTRIES)
        times.append(time.perf_counter() - start)
    return {
        "entries": min(available, EXTRACT_ENTRIES),
        "median_s": round(statistics.median(times), 2),
        "bytes": len(content),
        "n": repeats,
    }


def worker_verify() -> dict:
    import hashlib
    import hmac

    from decisions.audit import chain as audit_chain
    from decisions.audit import verify, verify_ranges
    from decisions.models import AuditEntry

    workers = verify_ranges.default_workers()

    def verify_all():
        # The chain, the HMACs and the checkpoints, on one process per CPU, as verify_audit.
        result = verify.verify_log(workers=workers)
        if not result.intact:
            raise SystemExit(f"verify_audit failed: {result.message}")
        return result

    verify_s, result = _median_s(verify_all, VERIFY_REPEATS)

    # The same canonical bytes, built beforehand (not timed), hashed with hashlib alone.
    contents = [
        audit_chain.canonical_bytes(*row[:13])
        for row in AuditEntry.objects.order_by("sequence")
        .values_list(*verify.CHAIN_FIELDS)
        .iterator(chunk_size=5000)
    ]
    key = audit_chain.audit_keys()[0].secret

    def hash_all():
        for content in contents:
            hashlib.sha256(content).hexdigest()
            hmac.new(key, content, hashlib.sha256).hexdigest()

    hash_s, _ = _median_s(hash_all, VERIFY_REPEATS)
    entries = result.entries_checked
    return {
        "entries": entries,
        "workers": workers,
        "verify_s": round(verify_s, 2),
        "verify_per_s": round(entries / verify_s),
        "hashlib_per_s": round(len(contents) / hash_s),
        "ratio": round((entries / verify_s) / (len(contents) / hash_s), 3),
    }


def worker(args) -> None:
    import django

    django.setup()
    if args.worker == "count":
        from decisions.models import Case

        print(Case.objects.count())
        return
    if args.worker == "pages":
        print(json.dumps(worker_pages(args.repeats)))
    elif args.worker == "verify":
        print(json.dumps(worker_verify()))


def run_worker(url: str, what: str, repeats: int) -> dict:
    return worker_json(url, [__file__, "--worker", what, "--repeats", str(repeats)])


def worker_json(url: str, arguments: list[str]) -> dict:
    """Run a bench script as a worker, in a fresh process on the database at `url`: the last
    line it prints, as JSON."""
    out = subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=_env(url),
        check=True,
        text=True,
        capture_output=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_pdf(db: str, repeats: int) -> dict:
    """bench/pdf.py (#7), in its own process and throwaway test database, if it exists."""
    if not (ROOT / "bench" / "pdf.py").exists():
        return {"n/a": "bench/pdf.py is not there"}
    url = database_url(db, 0).replace("isg_bench_0", "isg_bench_pdf")
    code = f"import json; from bench.pdf import bench_pdf; print(json.dumps(bench_pdf({repeats})))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(url, "isg.settings_test"),
        text=True,
        capture_output=True,
    )
    if out.returncode != 0:
        return {"n/a": "bench_pdf failed: " + out.stderr.strip().splitlines()[-1][:200]}
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- The table -------------------------------------------------------------------------------


def floor_for(name: str, pages: dict) -> dict:
    if name.startswith("floor"):  # the floors beside the practitioner's, for comparison
        return pages["floor (practitioner)"]
    if name.startswith(("audit", "reports")) or name.endswith("(lead)"):
        return pages["floor (lead)"]
    if name.startswith("approval") or name.endswith("(manager)"):
        return pages["floor (manager)"]
    return pages["floor (practitioner)"]


def _verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def growth_of(name: str, db: str, results: dict, other: dict | None, cases: int) -> float | None:
    """Median at FULL_CASES / median at QUICK_CASES for this page and database, if both exist."""
    if not other or db not in other.get("results", {}):
        return None
    mine = results[db]["pages"]["pages"].get(name, {}).get("median_ms")
    theirs = other["results"][db]["pages"]["pages"].get(name, {}).get("median_ms")
    if not mine or not theirs:
        return None
    return mine / theirs if cases >= other["cases"] else theirs / mine


def table(results: dict, *, cases: int, other: dict | None = None, load: dict | None = None) -> str:
    """The page table, then every target of issue 16 with MET or MISSED and its figures."""
    dbs = list(results)
    lines = []
    grow_label = f"{FULL_CASES // 1000}k/{QUICK_CASES // 1000}k"
    header = f"{'page':<34}" + "".join(
        f"{db + ' median':>16}{'p95':>9}{'× floor':>9}{grow_label:>9}" for db in dbs
    )
    lines += [header, "-" * len(header)]
    names = list(next(iter(results.values()))["pages"]["pages"])
    pages_ok, pages_missed, growth_figures, growth_missed = [], [], [], []
    for name in names:
        row = f"{name:<34}"
        for db in dbs:
            pages = results[db]["pages"]["pages"]
            stats = pages.get(name, {})
            if "median_ms" not in stats:
                row += f"{'n/a':>16}{'':>9}{'':>9}{'':>9}"
                continue
            ratio = stats["median_ms"] / floor_for(name, pages)["median_ms"]
            spread = stats["p95_ms"] / stats["median_ms"]
            growth = growth_of(name, db, results, other, cases)
            row += f"{stats['median_ms']:>13.1f} ms{stats['p95_ms']:>6.1f}ms{ratio:>8.2f}×"
            row += f"{growth:>8.2f}×" if growth is not None else f"{'–':>9}"
            if name.startswith("floor"):
                continue
            figure = f"{db}: {name} {ratio:.2f}× (p95 {spread:.2f}× median)"
            if ratio <= PAGE_TARGET and spread <= P95_TARGET:
                pages_ok.append(figure)
            else:
                pages_missed.append(figure)
            if growth is not None:
                growth_figures.append(growth)
                if growth > GROWTH_TARGET:
                    growth_missed.append(f"{db}: {name} {growth:.2f}×")
        lines.append(row)
    lines.append("")
    for db in dbs:
        load_avg = results[db].get("load_average")
        if load_avg:
            before, after = load_avg
            lines.append(
                f"[{db}] machine load (1/5/15 min) before {before[0]:.2f}/{before[1]:.2f}/"
                f"{before[2]:.2f}, after {after[0]:.2f}/{after[1]:.2f}/{after[2]:.2f} "
                f"on {os.cpu_count()} CPUs"
            )

    lines += ["", "Targets (issue 16):"]
    lines.append(
        f"- every page ≤ {PAGE_TARGET:.0f}× its user's floor, p95 ≤ {P95_TARGET:.0f}× median: "
        + _verdict(not pages_missed)
        + (f" — {len(pages_ok)} met; missed: " + "; ".join(pages_missed) if pages_missed else "")
    )
    if growth_figures:
        lines.append(
            f"- flat with size ({grow_label} ≤ {GROWTH_TARGET}×): "
            + _verdict(not growth_missed)
            + f" — worst {max(growth_figures):.2f}×"
            + (" ; missed: " + "; ".join(growth_missed) if growth_missed else "")
            + f" (other run: {other['when'][:16]} UTC)"
        )
    else:
        lines.append(
            f"- flat with size ({grow_label} ≤ {GROWTH_TARGET}×): not measured — needs a "
            f"{QUICK_CASES:,}-case and a {FULL_CASES:,}-case run on the same database"
        )
    for db in dbs:
        v = results[db]["verify"]
        lines.append(
            f"- [{db}] verify_audit ≥ 1/3 of hashlib: {_verdict(v['ratio'] >= VERIFY_TARGET)} — "
            f"{v['entries']} entries in {v['verify_s']} s (median of {VERIFY_REPEATS}) "
            f"= {v['verify_per_s']:,}/s "
            f"on {v.get('workers', 1)} process(es); hashlib alone on one "
            f"{v['hashlib_per_s']:,}/s; ratio {v['ratio']:.2f}"
        )
    for db in dbs:
        pdf = results[db]["pdf"]
        if "record_median_s" in pdf:
            lines.append(
                f"- [{db}] decision PDF ≤ {PDF_TARGET:.0f}× an empty page: "
                f"{_verdict(pdf['ratio'] <= PDF_TARGET)} — "
                f"{pdf['record_median_s'] * 1000:.0f} ms median, empty page "
                f"{pdf['empty_median_s'] * 1000:.0f} ms, ratio {pdf['ratio']}"
            )
        else:
            lines.append(f"- [{db}] decision PDF: MISSED — not measured ({pdf.get('n/a')})")
    for db in dbs:
        extract = results[db]["pages"].get("audit_extract")
        if not extract:
            lines.append(f"- [{db}] audit extract PDF: MISSED — not measured")
            continue
        short = extract["entries"] < EXTRACT_ENTRIES
        lines.append(
            f"- [{db}] audit extract PDF of {EXTRACT_ENTRIES:,} entries ≤ "
            f"{EXTRACT_TARGET_S:.0f} s: "
            f"{_verdict(extract['median_s'] <= EXTRACT_TARGET_S and not short)} — "
            f"{extract['entries']:,} entries in {extract['median_s']:.2f} s "
            f"({extract['bytes'] // 1024:,} KiB, median of {extract['n']})"
            + (" (fewer entries than the target's)" if short else "")
        )
    for db in dbs:
        approval = results[db]["pages"]["pages"].get("approval queue", {})
        if "n/a" in approval:
            lines.append(f"- [{db}] approval queue: n/a ({approval['n/a']})")
    if load:
        ok = (
            load["ratio"] >= LOAD_TARGET
            and load["failures"] == 0
            and load.get("exceptions", 0) == 0
            and not load["lost"]
            and load["verify_intact"]
        )
        lines.append(
            f"- load test (bench/load.py, {load['when'][:16]} UTC, {load['users']} users, "
            f"{load['seconds']} s, {load['cases']:,} cases; not this run): app mix ≥ 1/3 "
            f"of the floor's throughput, zero errors, nothing lost, verify_audit passes: "
            f"{_verdict(ok)} — app mix {load['app_rps']:.1f} req/s, floor "
            f"{load['floor_rps']:.1f} req/s, ratio {load['ratio']:.2f}; "
            f"{load['failures']} failures, {load.get('exceptions', 0)} scenario exceptions; "
            f"lost: {'yes' if load['lost'] else 'none'}; "
            f"verify_audit {'intact' if load['verify_intact'] else 'FAILED'}"
        )
    else:
        lines.append(
            "- load test ≥ 1/3 of the floor's throughput: not measured — run bench/load.py "
            "(it writes bench/results/load-latest.json, which this table reads)"
        )
    return "\n".join(lines)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CASES} cases, fewer repeats")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--cases", type=int, help="override the number of cases")
    parser.add_argument("--repeats", type=int, help="timed requests per page")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    cases = args.cases or (QUICK_CASES if args.quick else FULL_CASES)
    repeats = args.repeats or (30 if args.quick else 100)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {}
    for db in dbs:
        url = prepare(db, cases)
        before = os.getloadavg()
        print(f"[{db}] timing pages ({repeats} requests each)...", flush=True)
        pages = run_worker(url, "pages", repeats)
        print(f"[{db}] verify_audit...", flush=True)
        verify = run_worker(url, "verify", repeats)
        print(f"[{db}] decision PDF...", flush=True)
        pdf = run_pdf(db, 3 if args.quick else 10)
        results[db] = {
            "pages": pages,
            "verify": verify,
            "pdf": pdf,
            "load_average": [before, os.getloadavg()],
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    when = datetime.datetime.now(datetime.UTC)
    # The latest result per database at this size, so a --db run keeps the other's.
    latest_file = RESULTS / f"bench-{cases}-latest.json"
    latest = _read_json(latest_file) or {"cases": cases, "results": {}}
    latest["results"].update(results)
    latest["when"] = when.isoformat()
    other_cases = QUICK_CASES if cases == FULL_CASES else FULL_CASES
    other = _read_json(RESULTS / f"bench-{other_cases}-latest.json")
    if cases not in (QUICK_CASES, FULL_CASES):
        other = None  # growth is defined between the two standard sizes only
    load = _read_json(RESULTS / "load-latest.json")
    report = table(results, cases=cases, other=other, load=load)
    machine = f"{platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}"
    print(f"\nISG bench, {cases:,} cases, {when:%Y-%m-%d %H:%M} UTC, {machine}\n")
    print(report)
    out = RESULTS / f"bench-{cases}-{when:%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps({"cases": cases, "when": when.isoformat(), "results": results}))
    latest_file.write_text(json.dumps(latest))
    (RESULTS / f"bench-{cases}-latest.txt").write_text(report + "\n")
    print(f"\nJSON: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
