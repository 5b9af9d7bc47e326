"""How long the safeguarding lead's reports take at volume (decisions/reports/).

    .venv/bin/python bench/reports.py [--cases 2000 100000] [--db sqlite|postgres] [--repeats N]

For each size, on the generated database bench/run.py makes and reuses (`seed_volume --cases
N`; made here if missing), in a fresh process on bench settings, as the first generated
organisation's lead over the default period (the last 12 months): the whole report's selectors
(`selectors.report`, every figure: its query count too), each figure alone (to name the
slowest), and through the full middleware with Django's test client the reports page, one chart
image and the CSV of every figure, each against the lead's floor (bench/urls.py). Median and p95
of N runs after a warm-up. Then the growth from the smallest size to the largest.

Generated data has cases, people, requests, decisions and approvals; no share records,
follow-ups, complaints or exchanges, so those figures are measured on empty tables.
Results: a table on stdout and bench/results/reports-<when>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    RESULTS,
    _afresh,
    _client_for,
    _from_nothing,
    _timed,
    prepare,
    worker_json,
)

ROWS = (
    "floor (lead)",
    "report selectors, from nothing",
    "report selectors, months kept",
    "reports page, from nothing",
    "reports page, months kept",
    "reports page, shown again",
    "chart (outcomes)",
    "CSV, every figure",
)


def worker(repeats: int, last_month: str = "") -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from decisions.models import AuditEntry, Case, Decision
    from decisions.reports import selectors
    from decisions.reports.period import Period, add_months
    from decisions.seeding import volume
    from isg.accounts.models import User

    lead = User.objects.get(username=volume.username(0, "lead", 1))
    organisation = selectors.report_organisations_for(lead)[0]
    period = Period.default()
    if last_month:  # twelve months ending there (a database seeded only part of the way)
        year, month = (int(part) for part in last_month.split("-"))
        last = datetime.date(year, month, 1)
        period = Period(add_months(last, -11), last)
    client = _client_for(lead)
    query = "?" + "&".join(f"{key}={value}" for key, value in period.query().items())

    def get(url: str):
        def action():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url}: {response.status_code}")

        return action

    # Every row but "shown again" counts: "from nothing" with the cache (which keeps a report
    # until what it counts changes) emptied and no month kept (decisions/reports/store.py),
    # "months kept" with the cache emptied, as after a change this month.
    with CaptureQueriesContext(connection) as captured:
        _from_nothing(lambda: selectors.report(organisation, period))()
    queries = len(captured)  # now: the connection keeps only the last 9 000 queries
    rows = {
        "floor (lead)": _timed(get(reverse("bench_floor")), repeats),
        "report selectors, from nothing": _timed(
            _from_nothing(lambda: selectors.report(organisation, period)), repeats
        ),
        "report selectors, months kept": _timed(
            _afresh(lambda: selectors.report(organisation, period)), repeats
        ),
        "reports page, from nothing": _timed(
            _from_nothing(get(reverse("reports") + query)), repeats
        ),
        "reports page, months kept": _timed(_afresh(get(reverse("reports") + query)), repeats),
        "reports page, shown again": _timed(get(reverse("reports") + query), repeats),
        "chart (outcomes)": _timed(
            _afresh(get(reverse("reports_chart", args=["outcomes"]) + query)), repeats
        ),
        "CSV, every figure": _timed(_afresh(get(reverse("reports_csv") + query)), repeats),
    }
    figures = {  # each counted over the whole period, as from nothing
        slug: _timed(lambda build=build: build(organisation, period), repeats)
        for slug, build in selectors.FIGURES.items()
    }
    return {
        "rows": rows,
        "figures": figures,
        "queries": queries,
        "period": period.label(),
        "counts": {
            "cases": Case.objects.count(),
            "decisions": Decision.objects.count(),
            "organisation_decisions_in_period": Decision.objects.filter(
                organisation=organisation,
                decided_at__gte=period.start_at,
                decided_at__lt=period.end_at,
            ).count(),
            "audit_entries": AuditEntry.objects.count(),
        },
    }


def run_worker(url: str, repeats: int, last_month: str) -> dict:
    return worker_json(
        url,
        [__file__, "--worker", "--repeats", str(repeats)]
        + (["--last-month", last_month] if last_month else []),
    )


def table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    lines = []
    header = f"{'':<26}" + "".join(f"{f'{n:,} cases':>22}{'p95':>10}{'× floor':>9}" for n in sizes)
    if len(sizes) > 1:
        header += f"{f'{sizes[-1] // 1000}k/{sizes[0] // 1000}k':>10}"
    lines += [header, "-" * len(header)]
    for name in ROWS:
        line = f"{name:<26}"
        for n in sizes:
            stats = results[n]["rows"][name]
            floor = results[n]["rows"]["floor (lead)"]["median_ms"]
            line += f"{stats['median_ms']:>19.1f} ms{stats['p95_ms']:>7.1f}ms"
            line += f"{stats['median_ms'] / floor:>8.1f}×"
        if len(sizes) > 1:
            first, last = (results[n]["rows"][name]["median_ms"] for n in (sizes[0], sizes[-1]))
            line += f"{last / first:>9.2f}×"
        lines.append(line)
    lines.append("")
    for n in sizes:
        figures = results[n]["figures"]
        slowest = sorted(figures, key=lambda slug: -figures[slug]["median_ms"])[:3]
        counts = results[n]["counts"]
        lines.append(
            f"{n:,} cases, {results[n]['period']}: {results[n]['queries']} queries; "
            f"{counts['organisation_decisions_in_period']:,} of the organisation's decisions "
            f"in the period ({counts['decisions']:,} in all organisations); slowest figures: "
            + ", ".join(f"{slug} {figures[slug]['median_ms']:.1f} ms" for slug in slowest)
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[2000, 100_000])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--last-month",
        nargs="+",
        default=[],
        help="YYYY-MM per size: the report's twelve months end there (default: this month)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.repeats, (args.last_month or [""])[0])))
        return 0
    results = {}
    ends = args.last_month + [""] * (len(args.cases) - len(args.last_month))
    for cases, last_month in zip(args.cases, ends, strict=True):
        url = prepare(args.db, cases)
        print(f"[{args.db}] {cases:,} cases: timing ({args.repeats} runs)...", flush=True)
        before = os.getloadavg()
        result = run_worker(url, args.repeats, last_month)
        results[cases] = {**result, "load": [before, os.getloadavg()]}
    when = datetime.datetime.now(datetime.UTC)
    report = table(results)
    print(f"\nISG reports bench, {args.db}, {when:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs\n")
    print(report)
    for cases, result in results.items():
        before, after = result["load"]
        print(f"load at {cases:,} cases: before {before[0]:.2f}, after {after[0]:.2f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"reports-{args.db}-{when:%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps({"db": args.db, "when": when.isoformat(), "results": results}))
    print(f"\nJSON: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
