"""validate_definition, load_definitions, load_latest and get."""

import copy
import json
import re

import pytest

from guidance import engine, frameworks
from guidance.frameworks import DefinitionError

SLUGS = ("uk-2024", "uk-2018", "sa-isg", "nz", "vic-ciss")


@pytest.fixture
def good(latest):
    return copy.deepcopy(latest["nz"])


def q_index(d, fact):
    return next(i for i, q in enumerate(d["questions"]) if q["fact"] == fact)


def set_(path, value):
    """A mutation that sets d[path...] = value."""

    def apply(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


def drop(*path):
    def apply(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return apply


def question(fact, key, value):
    def apply(d):
        d["questions"][q_index(d, fact)][key] = value

    return apply


def rule(rule_id, key, value):
    def apply(d):
        next(r for r in d["rules"] if r["id"] == rule_id)[key] = value

    return apply


def custom(fn):
    return fn


BROKEN = [
    ("missing key", drop("rules"), "top level: missing key(s) rules"),
    ("unexpected key", set_(["colour"], "red"), "unexpected key(s) colour"),
    ("bad slug", set_(["slug"], "New Zealand"), "slug: must be lowercase"),
    ("bad version", set_(["version"], "1.0"), "version: must look like 1.0.0"),
    ("version with v", set_(["version"], "v1.0.0"), "version: must look like 1.0.0"),
    ("date not ISO", set_(["effective_date"], "01/12/2020"), "must be an ISO date"),
    ("impossible date", set_(["effective_date"], "2020-02-30"), "is not a real date"),
    ("empty title", set_(["title"], " "), "title: must be a non-empty string"),
    ("no sources", set_(["sources"], []), "sources: must be a non-empty list"),
    ("source without url", drop("sources", 0, "url"), "sources[0]: missing key(s) url"),
    ("source url not http", set_(["sources", 0, "url"], "ftp://x"), "must be an http(s) URL"),
    ("source bad date", set_(["sources", 0, "date"], "last year"), "must be YYYY"),
    (
        "question unknown fact",
        question("consent", "fact", "nope"),
        "asks about unknown fact 'nope'",
    ),
    (
        "duplicate question id",
        custom(lambda d: d["questions"][2].update(id=d["questions"][1]["id"])),
        "duplicate question id",
    ),
    (
        "fact asked twice",
        custom(
            lambda d: d["questions"].append({**copy.deepcopy(d["questions"][1]), "id": "again"})
        ),
        "already asked",
    ),
    (
        "answers do not match",
        question("consent", "answers", {"given": "Yes"}),
        "answers: must label exactly the values given, not_sought, refused",
    ),
    (
        "bool answers",
        question("advice_sought", "answers", {"yes": "Y", "no": "N"}),
        "must label exactly the values false, true",
    ),
    ("no guidance", question("consent", "guidance", []), "guidance: must be a non-empty list"),
    (
        "guidance without cite",
        question("consent", "guidance", [{"text": "x"}]),
        "missing key(s) cite",
    ),
    (
        "ask_if unknown fact",
        question("consent", "ask_if", {"fact": "nope", "is": True}),
        "unknown fact 'nope'",
    ),
    (
        "ask_if invalid choice",
        question("consent_not_sought_reason", "ask_if", {"fact": "consent", "is": "yes"}),
        "fact 'consent' must be one of given, refused, not_sought",
    ),
    (
        "ask_if bool as string",
        question("consent", "ask_if", {"fact": "legitimate_purpose", "is": "true"}),
        "must be true or false",
    ),
    (
        "ask_if two forms",
        question("consent", "ask_if", {"fact": "legitimate_purpose", "is": True, "all": []}),
        "exactly one of",
    ),
    (
        "ask_if is and in",
        question("consent", "ask_if", {"fact": "risk_of_harm", "is": "none", "in": ["none"]}),
        "exactly one of 'is' or 'in'",
    ),
    (
        "ask_if empty in",
        question("consent", "ask_if", {"fact": "risk_of_harm", "in": []}),
        "'in' must be a non-empty list",
    ),
    (
        "ask_if reads later fact",
        question("risk_of_harm", "ask_if", {"fact": "consent", "is": "given"}),
        "may only read facts asked earlier (reads consent)",
    ),
    (
        "unknown ref",
        question("consent", "ask_if", {"ref": "nowhere"}),
        "unknown named condition 'nowhere'",
    ),
    (
        "first question not danger",
        custom(lambda d: d["questions"].insert(1, d["questions"].pop(0))),
        "first question must ask about immediate_danger",
    ),
    (
        "rule bad recommendation",
        rule("consent_given", "recommendation", "maybe"),
        "unknown recommendation 'maybe'",
    ),
    (
        "rule incomplete",
        rule("consent_given", "recommendation", "incomplete"),
        "unknown recommendation 'incomplete'",
    ),
    ("rule duplicate id", rule("consent_given", "id", "danger"), "duplicate rule id"),
    (
        "rule unknown basis",
        rule("consent_given", "lawful_bases", ["magic"]),
        "unknown lawful basis 'magic'",
    ),
    (
        "rule reads outcome",
        rule("consent_given", "when", {"outcome": ["share"]}),
        "the outcome cannot be tested here",
    ),
    (
        "rule reads a question asked after the decision",
        rule("consent_given", "when", {"fact": "necessary_and_proportionate", "is": True}),
        "reads facts no question asks before the decision (necessary_and_proportionate)",
    ),
    (
        "rule reads a fact nobody asks",
        rule("consent_given", "when", {"fact": "confidential", "is": True}),
        "reads facts no question asks before the decision (confidential)",
    ),
    (
        "fallback has when",
        custom(lambda d: d["rules"][-1].update(when={"fact": "consent", "is": "refused"})),
        "last rule is the fallback",
    ),
    (
        "middle rule without when",
        custom(lambda d: d["rules"][3].pop("when")),
        "only the last rule may omit 'when'",
    ),
    (
        "first rule not danger",
        custom(lambda d: d["rules"].insert(1, d["rules"].pop(0))),
        "first rule must be immediate_danger is true -> act_now",
    ),
    (
        "danger not act_now",
        rule("danger", "recommendation", "share"),
        "first rule must be immediate_danger",
    ),
    (
        "unknown record field",
        set_(["record", "share"], ["rationale", "colour"]),
        "unknown record field 'colour'",
    ),
    ("record field twice", set_(["record", "share"], ["rationale", "rationale"]), "listed twice"),
    (
        "record unknown recommendation",
        set_(["record", "maybe"], ["rationale"]),
        "unknown recommendation 'maybe'",
    ),
    (
        "record misses a recommendation",
        drop("record", "do_not_share"),
        "says nothing about 'do_not_share'",
    ),
    (
        "act_now record without emergency action",
        set_(["record", "act_now"], ["rationale"]),
        "must always include 'emergency_action'",
    ),
    (
        "unknown warning code",
        set_(["warnings", 0, "code"], "be_careful"),
        "unknown warning code 'be_careful'",
    ),
    (
        "warning with bad condition",
        set_(["warnings", 0, "when"], {"fact": "x", "is": True}),
        "unknown fact 'x'",
    ),
    (
        "warning with unknown outcome",
        set_(["warnings", 0, "when"], {"outcome": ["maybe"]}),
        "unknown recommendation 'maybe'",
    ),
    (
        "approval without share_without_consent",
        set_(["approval"], ["do_not_share"]),
        "sharing without consent must always need approval",
    ),
    (
        "approval of act_now",
        set_(["approval"], ["share_without_consent", "act_now"]),
        "'act_now' must never wait for approval",
    ),
    (
        "approval unknown",
        set_(["approval"], ["share_without_consent", "perhaps"]),
        "unknown recommendation 'perhaps'",
    ),
    (
        "duplicate lawful basis",
        custom(lambda d: d["lawful_bases"].append(dict(d["lawful_bases"][0]))),
        "duplicate lawful basis code 'ota-s66c'",
    ),
    ("lawful basis without cite", drop("lawful_bases", 0, "cite"), "missing key(s) cite"),
    ("principle without text", drop("principles", 0, "text"), "missing key(s) text"),
    (
        "fact without prefix",
        custom(lambda d: d["facts"].update(demand={"type": "bool", "label": "x"})),
        "must start with the framework's prefix",
    ),
    (
        "fact redefines canonical",
        custom(lambda d: d["facts"].update(consent={"type": "bool", "label": "x"})),
        "redefines a canonical fact",
    ),
    ("no prefix declared", drop("fact_prefix"), "fact_prefix: is required"),
    (
        "prefix clashes with canonical",
        set_(["fact_prefix"], "consent_"),
        "could be confused with canonical fact 'consent_not_sought_reason'",
    ),
    (
        "fact of unknown type",
        set_(["facts", "nz_statutory_demand", "type"], "number"),
        "must be 'bool' or 'choice'",
    ),
    (
        "choice fact without choices",
        set_(["facts", "nz_statutory_demand", "type"], "choice"),
        "choices: must be a non-empty list",
    ),
    (
        "cyclic named conditions",
        custom(lambda d: d["conditions"].update(a={"ref": "b"}, b={"not": {"ref": "a"}})),
        "refers to itself",
    ),
]


@pytest.mark.parametrize("name,mutate,message", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_definition_is_rejected_with_a_clear_message(good, name, mutate, message):
    mutate(good)
    with pytest.raises(DefinitionError) as err:
        frameworks.validate_definition(good)
    assert message in str(err.value)
    assert str(err.value).startswith("framework ")


def test_definition_must_be_an_object():
    with pytest.raises(DefinitionError, match="must be a JSON object"):
        frameworks.validate_definition(["not", "a", "dict"])  # type: ignore[arg-type]


@pytest.mark.parametrize("slug", SLUGS)
def test_shipped_definitions_validate(latest, slug):
    frameworks.validate_definition(latest[slug])


def test_all_five_frameworks_ship():
    assert set(frameworks.load_latest()) == set(SLUGS)


def test_no_two_versions_of_a_framework_share_a_version_string():
    seen: dict[str, list[str]] = {}
    for definition in frameworks.load_definitions():
        seen.setdefault(definition["slug"], []).append(definition["version"])
    for versions in seen.values():
        assert len(versions) == len(set(versions))


def test_frameworks_dir_points_at_fixtures():
    assert frameworks.FRAMEWORKS_DIR.name == "frameworks"
    assert frameworks.FRAMEWORKS_DIR.parent.name == "fixtures"
    assert (frameworks.FRAMEWORKS_DIR / "uk-2024" / "1.0.0.json").is_file()


@pytest.mark.parametrize("slug", SLUGS)
def test_each_framework_asks_a_reasonable_number_of_questions(latest, slug):
    # A complete path is kept short: about seven to twelve questions, never more than fourteen.
    assert 10 <= len(latest[slug]["questions"]) <= 14


@pytest.mark.parametrize("slug", SLUGS)
def test_all_guidance_cites_a_source(latest, slug):
    d = latest[slug]
    for q in d["questions"]:
        assert q["guidance"] and all(item["cite"].strip() for item in q["guidance"])
    assert all(r["cite"].strip() for r in d["rules"])
    assert all(p["cite"].strip() for p in d["principles"])
    assert all(b["cite"].strip() for b in d["lawful_bases"])


@pytest.mark.parametrize("slug", SLUGS)
def test_framework_specific_facts_are_namespaced(latest, slug):
    d = latest[slug]
    for name in d["facts"]:
        assert name.startswith(d["fact_prefix"])
        assert name not in engine.CANONICAL_FACTS


def write(directory, definition, *, name=None):
    path = directory / definition["slug"] / f"{name or definition['version']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(definition))
    return path


def test_load_latest_prefers_the_later_effective_date_then_version(tmp_path, latest):
    base = copy.deepcopy(latest["uk-2024"])
    write(tmp_path, {**base, "version": "1.0.0", "effective_date": "2024-05-01"})
    write(tmp_path, {**base, "version": "2.0.0", "effective_date": "2024-01-01"})
    write(tmp_path, {**base, "version": "1.1.0", "effective_date": "2024-09-01"})
    write(tmp_path, {**base, "version": "1.10.0", "effective_date": "2024-09-01"})
    write(tmp_path, {**base, "version": "1.9.0", "effective_date": "2024-09-01"})
    assert len(frameworks.load_definitions(tmp_path)) == 5
    assert frameworks.load_latest(tmp_path)["uk-2024"]["version"] == "1.10.0"


def test_file_must_match_its_slug_and_version(tmp_path, latest):
    write(tmp_path, latest["nz"], name="9.9.9")
    with pytest.raises(DefinitionError, match=re.escape("file says nz 1.1.0; expected nz 9.9.9")):
        frameworks.load_definitions(tmp_path)


def test_loading_reports_the_file_with_the_broken_definition(tmp_path, latest):
    broken = {**latest["nz"], "version": "1.0"}
    path = write(tmp_path, broken, name="1.0")
    with pytest.raises(DefinitionError) as err:
        frameworks.load_definitions(tmp_path)
    assert str(path) in str(err.value)
    assert "version: must look like 1.0.0" in str(err.value)


def test_invalid_json_is_a_definition_error(tmp_path):
    (tmp_path / "nz").mkdir()
    (tmp_path / "nz" / "1.0.0.json").write_text("{not json")
    with pytest.raises(DefinitionError, match="cannot read JSON"):
        frameworks.load_definitions(tmp_path)


def test_missing_directory_is_a_definition_error(tmp_path):
    with pytest.raises(DefinitionError, match="no framework directory"):
        frameworks.load_definitions(tmp_path / "nowhere")


def test_get_returns_the_latest_version():
    assert frameworks.get("vic-ciss")["slug"] == "vic-ciss"


def test_get_unknown_framework_names_the_known_ones():
    with pytest.raises(DefinitionError) as err:
        frameworks.get("mars")
    assert str(err.value) == (
        "unknown framework 'mars' (known: nz, sa-isg, uk-2018, uk-2024, vic-ciss)"
    )
