"""Run a set of facts through a framework's rules from the command line.

    manage.py decide --framework uk-2024 --facts facts.json
    echo '{"immediate_danger": false}' | manage.py decide --framework nz --facts -
    manage.py decide --all --facts facts.json          # a table on a terminal, else JSON
    manage.py decide --all --facts facts.json --json   # always JSON

Bad input stops with one line on standard error and a non-zero exit status.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from guidance import catalogue, engine
from guidance.comparison import split_facts_for


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def read_facts(source: str) -> dict[str, Any]:
    """Facts from a JSON file, or from standard input when ``source`` is ``-``."""
    name = "standard input" if source == "-" else source
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise CommandError(_one_line(f"cannot read facts from {name}: {reason}")) from None
    try:
        facts = json.loads(text)
    except ValueError as exc:
        raise CommandError(_one_line(f"facts in {name} are not valid JSON: {exc}")) from None
    if not isinstance(facts, dict):
        kind = type(facts).__name__ if facts is not None else "null"
        raise CommandError(
            f"facts in {name} must be a JSON object of name: value pairs (got a {kind})"
        )
    return facts


class Command(BaseCommand):
    help = (
        "Print the engine's recommendation for a set of facts as JSON. With --all, run the "
        "facts through the latest version of every framework: a table on a terminal, JSON "
        "otherwise (or always, with --json)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--framework", metavar="SLUG", help="framework slug, e.g. uk-2024")
        which.add_argument("--all", action="store_true", help="every framework, side by side")
        parser.add_argument(
            "--framework-version",
            dest="framework_version",
            metavar="VERSION",
            help="a particular version of --framework (default: the latest)",
        )
        parser.add_argument(
            "--facts", required=True, metavar="FILE", help="JSON object of facts; - for stdin"
        )
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true", help="JSON output with --all")
        output.add_argument("--table", action="store_true", help="table output with --all")

    def handle(self, *args: Any, **options: Any) -> None:
        facts = read_facts(options["facts"])
        try:
            if options["all"]:
                results = self._decide_all(facts)
                if options["table"] or (not options["json"] and self.stdout.isatty()):
                    self.stdout.write(render_table(results))
                else:
                    payload = {r["framework"]: r for r in results}
                    self.stdout.write(json.dumps(payload, indent=2))
            else:
                result = self._decide_one(
                    options["framework"], options["framework_version"], facts
                )
                self.stdout.write(json.dumps(result, indent=2))
        except DatabaseError as exc:
            raise CommandError(
                _one_line(f"cannot read the frameworks from the database ({exc}): "
                          "run manage.py migrate")
            ) from None

    def _decide_one(self, slug: str, version: str | None, facts: dict[str, Any]) -> dict:
        try:
            definition = catalogue.definition(slug, version)
        except catalogue.UnknownFramework as exc:
            known = ", ".join(d["slug"] for d in catalogue.latest())
            raise CommandError(f"{exc} (known: {known})") from None
        try:
            return engine.evaluate(definition, facts).as_dict()
        except engine.EngineError as exc:
            raise CommandError(_one_line(f"{slug}: {exc}")) from None

    def _decide_all(self, facts: dict[str, Any]) -> list[dict[str, Any]]:
        definitions = sorted(catalogue.latest(), key=lambda d: d["slug"])
        try:
            per_framework = split_facts_for(definitions, facts)
        except engine.FactError as exc:
            raise CommandError(_one_line(exc)) from None
        results = []
        for definition in definitions:
            try:
                result = engine.evaluate(definition, per_framework[definition["slug"]])
            except engine.EngineError as exc:
                raise CommandError(_one_line(f"{definition['slug']}: {exc}")) from None
            results.append(result.as_dict())
        return results


TABLE_ROWS = (
    ("recommendation", "recommendation"),
    ("requires_approval", "approval needed"),
    ("rule", "decided by rule"),
    ("warnings", "warnings"),
    ("next_question", "next question"),
    ("missing", "missing"),
    ("must_record", "must record"),
    ("ignored_facts", "ignored facts"),
    ("version", "version"),
)
DIFFERS = "≠ "


def render_table(results: list[dict[str, Any]]) -> str:
    """The results side by side: one column per framework, one row per output field.

    A row whose value is not the same for every framework is marked with ``≠``, so the
    differences between frameworks stand out at a glance.
    """

    def cell(value: object) -> list[str]:
        if isinstance(value, list):
            return [str(v) for v in value] or ["–"]
        if isinstance(value, bool):
            return ["yes" if value else "no"]
        return ["–" if value is None else str(value)]

    def label(key: str, text: str) -> str:
        values = [json.dumps(r.get(key), sort_keys=True) for r in results]
        return (DIFFERS if len(set(values)) > 1 else "  ") + text

    header = ["", *(r["framework"] for r in results)]
    body = [
        [[label(key, text)], *(cell(r.get(key)) for r in results)] for key, text in TABLE_ROWS
    ]
    widths = [
        max(len(line) for row in ([[h] for h in header], *body) for line in row[i])
        for i in range(len(header))
    ]
    rule = "-+-".join("-" * w for w in widths)
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(), rule]
    for row in body:
        height = max(len(c) for c in row)
        for n in range(height):
            lines.append(
                " | ".join(
                    (c[n] if n < len(c) else "").ljust(w) for c, w in zip(row, widths, strict=True)
                ).rstrip()
            )
        lines.append(rule)
    if any(row[0][0].startswith(DIFFERS) for row in body):
        lines.append(f"{DIFFERS}the frameworks differ on this row")
    return "\n".join(lines)
