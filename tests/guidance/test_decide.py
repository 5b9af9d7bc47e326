import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from guidance import catalogue

SLUGS = ["nz", "sa-isg", "uk-2018", "uk-2024", "vic-ciss"]
CONTRACT = {
    "recommendation",
    "requires_approval",
    "must_record",
    "missing",
    "warnings",
    "next_question",
    "framework",
    "version",
    "ignored_facts",
    "rule",
}
REPO = Path(__file__).resolve().parents[2]


def facts_file(tmp_path, content) -> str:
    path = tmp_path / "facts.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def decide(*args: str) -> str:
    out = io.StringIO()
    call_command("decide", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("slug", SLUGS)
def test_decide_prints_the_contract_keys_with_the_rule_and_ignored_facts(db, tmp_path, slug):
    # "confidential" is a canonical fact only uk-2018 asks about.
    path = facts_file(tmp_path, {"immediate_danger": True, "confidential": True})
    result = json.loads(decide("--framework", slug, "--facts", path))
    assert set(result) == CONTRACT
    assert result["recommendation"] == "act_now"
    assert result["rule"] == "danger"
    assert result["ignored_facts"] == ([] if slug == "uk-2018" else ["confidential"])
    assert result["framework"] == slug
    assert result["version"] == catalogue.definition(slug)["version"]


def test_decide_reads_standard_input(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"immediate_danger": false}'))
    result = json.loads(decide("--framework", "uk-2024", "--facts", "-"))
    assert result["recommendation"] == "incomplete"
    assert result["next_question"] == "risk_of_harm"


def test_decide_a_named_version(db, tmp_path):
    path = facts_file(tmp_path, {})
    out = decide("--framework", "nz", "--framework-version", "1.0.0", "--facts", path)
    assert json.loads(out)["version"] == "1.0.0"


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["--framework", "atlantis"], {}, "unknown framework 'atlantis'"),
        (["--framework", "uk-2024", "--framework-version", "9.0.0"], {}, "no version '9.0.0'"),
        (["--framework", "uk-2024"], {"colour": "blue"}, "unknown fact 'colour'"),
        (["--framework", "uk-2024"], {"consent": "maybe"}, "fact 'consent' must be one of"),
        (["--framework", "uk-2024"], {"immediate_danger": "yes"}, "must be true or false"),
        (
            ["--framework", "uk-2024"],
            {"ciss_excluded_information": True},
            "unknown fact 'ciss_excluded_information'",
        ),
        (["--framework", "uk-2024"], "{broken", "not valid JSON"),
        (["--framework", "uk-2024"], "[1, 2]", "must be a JSON object"),
        (["--framework", "uk-2024"], "null", "must be a JSON object"),
        (["--all"], {"colour": "blue"}, "no framework knows it"),
        (["--all"], {"nz_statutory_demand": "yes"}, "must be true or false"),
    ],
)
def test_bad_input_is_a_one_line_command_error(db, tmp_path, args, content, message):
    path = facts_file(tmp_path, content)
    with pytest.raises(CommandError, match=message) as caught:
        decide(*args, "--facts", path)
    assert "\n" not in str(caught.value)


def test_missing_file_is_a_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read facts from .*nope.json"):
        decide("--framework", "uk-2024", "--facts", str(tmp_path / "nope.json"))


def test_malformed_standard_input_is_a_command_error(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("not json"))
    with pytest.raises(CommandError, match="facts in standard input are not valid JSON"):
        decide("--framework", "uk-2024", "--facts", "-")


def test_decide_sets_aside_what_the_path_skips_and_says_so(db, tmp_path):
    # Issue 19: no role, so the consent answer is never asked - and it does not count.
    facts = {
        "immediate_danger": False,
        "risk_of_harm": "significant",
        "legitimate_purpose": True,
        "recipient_has_role": False,
        "consent": "refused",
    }
    result = json.loads(decide("--framework", "uk-2024", "--facts", facts_file(tmp_path, facts)))
    assert result["recommendation"] == "do_not_share"
    assert result["rule"] == "no_role"
    assert result["ignored_facts"] == ["consent"]
    assert "follow_child_protection_procedures" in result["warnings"]


def test_all_prints_json_keyed_by_framework_when_not_a_terminal(db, tmp_path):
    path = facts_file(
        tmp_path,
        {"immediate_danger": False, "nz_statutory_demand": False, "legitimate_purpose": False},
    )
    results = json.loads(decide("--all", "--facts", path))
    assert sorted(results) == SLUGS
    for slug, result in results.items():
        assert set(result) == CONTRACT
        assert result["framework"] == slug
        assert result["recommendation"] == "do_not_share"
        assert result["rule"] == "no_purpose"
    assert results["sa-isg"]["requires_approval"] is True
    assert results["uk-2024"]["requires_approval"] is False


def test_all_passes_framework_facts_only_to_their_framework(db, tmp_path):
    facts = {
        "immediate_danger": False,
        "legitimate_purpose": True,
        "recipient_has_role": True,
        "risk_of_harm": "wellbeing",
        "consent": "refused",
        "informing_increases_risk": False,
        "ciss_recipient_prescribed": True,
        "ciss_excluded_information": False,
        "uk_perceived_risk": False,
    }
    results = json.loads(decide("--all", "--json", "--facts", facts_file(tmp_path, facts)))
    assert results["vic-ciss"]["recommendation"] == "share_without_consent"
    assert results["uk-2024"]["recommendation"] == "do_not_share"


def test_all_table_puts_frameworks_side_by_side(db, tmp_path):
    path = facts_file(tmp_path, {"immediate_danger": True})
    table = decide("--all", "--table", "--facts", path)
    header = table.splitlines()[0]
    assert [cell.strip() for cell in header.split("|")][1:] == SLUGS
    rows = {line[2:].split("|")[0].strip(): line for line in table.splitlines()}
    assert rows["recommendation"].count("act_now") == len(SLUGS)
    assert rows["decided by rule"].count("danger") == len(SLUGS)
    assert "emergency_action" in table
    # Every framework acts now: that row is the same everywhere, unmarked.
    assert rows["recommendation"].startswith("  ")


def test_all_table_marks_the_rows_where_frameworks_differ(db, tmp_path):
    facts = {
        "immediate_danger": False,
        "risk_of_harm": "wellbeing",
        "legitimate_purpose": True,
        "recipient_has_role": True,
        "identifiable": True,
        "confidential": True,
        "informing_increases_risk": False,
        "consent": "refused",
        "nz_statutory_demand": False,
        "nz_child_welfare_agencies": True,
        "ciss_recipient_prescribed": True,
        "ciss_excluded_information": False,
    }
    table = decide("--all", "--table", "--facts", facts_file(tmp_path, facts))
    rows = {line[2:].split("|")[0].strip(): line for line in table.splitlines()}
    assert rows["recommendation"].startswith("≠ ")
    assert "share_without_consent" in rows["recommendation"]
    assert "do_not_share" in rows["recommendation"]
    assert rows["ignored facts"].startswith("≠ ")  # confidential counts in uk-2018 only
    assert rows["version"].startswith("  ")
    assert table.splitlines()[-1] == "≠ the frameworks differ on this row"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_all_prints_a_table_on_a_terminal(db, tmp_path):
    out = FakeTerminal()
    call_command("decide", "--all", "--facts", facts_file(tmp_path, {}), stdout=out)
    assert out.getvalue().startswith(" ")
    assert "recommendation" in out.getvalue() and "{" not in out.getvalue()


def run_decide(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings['NAME']}"
    else:
        url = (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "isg.settings_test"}
    return subprocess.run(
        [sys.executable, "manage.py", "decide", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--framework", "atlantis", "--facts", "-"], "{}", "unknown framework"),
        (["--framework", "uk-2024", "--facts", "-"], '{"colour": 1}', "unknown fact 'colour'"),
        (["--framework", "uk-2024", "--facts", "-"], "{oops", "not valid JSON"),
        (["--framework", "uk-2024", "--facts", "/no/such/file.json"], "", "No such file"),
    ],
)
def test_command_line_failure_is_one_line_without_traceback(db, args, stdin, message):
    done = run_decide(*args, stdin=stdin)
    assert done.returncode != 0
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr


def test_command_line_success_prints_json(db):
    done = run_decide("--framework", "uk-2018", "--facts", "-", stdin='{"immediate_danger": true}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["recommendation"] == "act_now"
