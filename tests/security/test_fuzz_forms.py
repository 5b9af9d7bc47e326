"""Every form, fuzzed through the test client: never a 500, never a silent drop.

Random unicode, right-to-left text, strings up to 1 MB, NUL bytes, lists where one value is
expected, huge numbers and impossible dates. A response is one of:
- 200 with the GOV.UK error summary, showing what was typed (NUL bytes get a clear message);
- 302, and the data saved is exactly what was typed (less surrounding whitespace);
- 429 (sign-in locked out) or 400 (a request body over Django's 2.5 MB limit).
The totals are printed at the end of the module (`pytest -s`).
"""

import collections
import json
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisions.models import Case, DecisionDraft, Person, ShareRequest
from tests.decisions.wizard.driver import walk
from tests.security.payloads import PAYLOADS
from tests.security.test_resilience import COMPLETE

EXAMPLES = 30
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
TALLY = collections.Counter()

SPECIAL = [
    "שלום עולם",  # Hebrew, right to left
    "مرحبا بالعالم",  # Arabic
    "\u202eoverride\u202c",
    "a\x00b",
    "\x00",
    "   padded   ",
    "\r\n\r\nlines\r\n",
    "😀" * 50,
    "Z\u0351\u0352\u0353algo",
    "\ufeffBOM",
    "NaN",
    "-1",
    "99999999999999999999999999999",
    "1e308",
    "",
]
text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=200),
    st.sampled_from(SPECIAL),
    st.sampled_from(PAYLOADS),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "😀"]), st.integers(5_000, 250_000)),
    st.integers(-(10**40), 10**40).map(str),
)
# One field per example may be a 1 MB string; more would pass Django's 2.5 MB body limit.
megabyte = st.just("m" * 1_000_000)
value = st.one_of(text, st.lists(text, min_size=0, max_size=3))  # lists: wrong type
date_part = st.one_of(
    st.integers(-(10**12), 10**12).map(str), st.sampled_from(["", "31", "2", "0", "x", "\x00"])
)


def _form_data(draw_values: dict) -> dict:
    return {k: v for k, v in draw_values.items()}


def _scalar(v):
    """What Django's QueryDict gives a form for a posted value: the last of a list."""
    if isinstance(v, list):
        return v[-1] if v else None
    return v


def _check(response, data: dict, text_fields: list[str], *, saved=None) -> None:
    """The rules above. `saved(data)` returns the stored values for a 302."""
    TALLY["inputs"] += 1
    TALLY["payloads"] += sum(
        1 for name in text_fields if any(p in str(data.get(name)) for p in PAYLOADS)
    )
    status = response.status_code
    assert status != 500
    if status == 400:
        assert _too_large(data)
        return
    if status == 429:
        return
    assert status in (200, 302), status
    if status == 200:
        body = response.content.decode()
        assert "There is a problem" in body, "an error page without the error summary"
        for name in text_fields:
            # Fields strip surrounding whitespace: what is shown again is the stripped value.
            typed = (_scalar(data.get(name)) or "").strip()
            if not typed:
                continue
            if "\x00" in typed:
                assert "Null characters are not allowed" in body, name
            else:
                assert escape(typed) in body, f"{name}: the typed value was dropped"
    else:
        stored = saved(data)
        for name, value_saved in stored.items():
            typed = _scalar(data.get(name)) or ""
            assert value_saved == typed.strip(), f"{name}: saved {value_saved!r}"
        TALLY["saved"] += 1


@pytest.fixture
def practitioner_client(world, client_for):
    return client_for(world.users["practitioner"])


@FUZZ
@given(
    reference=value,
    child_name=value,
    summary=value,
    big=st.booleans(),
    dob=st.tuples(date_part, date_part, date_part),
    assigned=value,
)
def test_case_create(
    world, practitioner_client, reference, child_name, summary, big, dob, assigned
):
    if big:
        summary = "m" * 1_000_000
    data = {
        "reference": reference,
        "child_name": child_name,
        "summary": summary,
        "child_date_of_birth_0": dob[0],
        "child_date_of_birth_1": dob[1],
        "child_date_of_birth_2": dob[2],
        "assigned": assigned,
    }
    response = practitioner_client.post(reverse("case_create"), data)

    def saved(data):
        case = Case.objects.get(pk=response.url.rstrip("/").split("/")[-1])
        return {"reference": case.reference, "summary": case.summary}

    _check(response, data, ["reference", "child_name", "summary"], saved=saved)


@FUZZ
@given(reference=value, summary=value, closed=value)
def test_case_edit(world, practitioner_client, reference, summary, closed):
    data = {
        "reference": reference,
        "summary": summary,
        "is_closed": closed,
        "assigned": [str(world.users["practitioner"].pk)],
    }
    response = practitioner_client.post(reverse("case_edit", args=[world.case.pk]), data)

    def saved(data):
        case = Case.objects.get(pk=world.case.pk)
        return {"reference": case.reference, "summary": case.summary}

    _check(response, data, ["reference", "summary"], saved=saved)


@FUZZ
@given(
    name=value,
    relationship=st.one_of(value, st.sampled_from(["parent", "child"])),
    notes=value,
    dob=st.tuples(date_part, date_part, date_part),
    protect=value,
)
def test_person_add(world, practitioner_client, name, relationship, notes, dob, protect):
    data = {
        "name": name,
        "relationship": relationship,
        "notes": notes,
        "date_of_birth_0": dob[0],
        "date_of_birth_1": dob[1],
        "date_of_birth_2": dob[2],
        "protect_identity": protect,
    }
    before = set(Person.objects.values_list("pk", flat=True))
    response = practitioner_client.post(reverse("person_add", args=[world.case.pk]), data)

    def saved(data):
        (person,) = Person.objects.exclude(pk__in=before)
        return {"name": person.name, "notes": person.notes}

    _check(response, data, ["name", "notes"], saved=saved)


REQUEST_TEXT = [
    "counterpart_agency",
    "counterpart_contact",
    "counterpart_role",
    "purpose",
    "information_requested",
]


@FUZZ
@given(
    texts=st.fixed_dictionaries({name: value for name in REQUEST_TEXT}),
    direction=st.one_of(value, st.sampled_from(["incoming", "outgoing"])),
    urgency=st.one_of(value, st.just("routine")),
    received=st.tuples(date_part, date_part, date_part),
    due=st.tuples(date_part, date_part, date_part),
)
def test_request_open(world, practitioner_client, texts, direction, urgency, received, due):
    data = {
        **texts,
        "direction": direction,
        "urgency": urgency,
        **{f"received_on_{i}": part for i, part in enumerate(received)},
        **{f"due_on_{i}": part for i, part in enumerate(due)},
    }
    before = set(ShareRequest.objects.values_list("pk", flat=True))
    response = practitioner_client.post(reverse("request_open", args=[world.case.pk]), data)

    def saved(data):
        (share_request,) = ShareRequest.objects.exclude(pk__in=before)
        return {name: getattr(share_request, name) for name in REQUEST_TEXT}

    _check(response, data, REQUEST_TEXT, saved=saved)


@FUZZ
@given(username=value, password=value)
def test_sign_in(world, client, username, password):
    data = {"username": username, "password": password}
    response = client.post(reverse("login"), data)
    client.logout()
    _check(response, data, ["username"], saved=lambda data: {})


@FUZZ
@given(answer=value)
def test_wizard_question(world, practitioner_client, answer):
    url = reverse("wizard_question", args=[world.draft.pk, "immediate_danger"])
    response = practitioner_client.post(url, {"answer": answer})
    assert response.status_code in (200, 302)
    TALLY["inputs"] += 1
    if response.status_code == 200:
        assert "There is a problem" in response.content.decode()
    else:
        assert _scalar(answer) in ("true", "false")


# The fields each record step posts; all text unless named in CHOICES.
STEP_FIELDS = {
    "danger": ["action_taken", "contacted", "reference"],
    "consent": ["consent_explanation", "not_informed_reason", "child_views"],
    "items": [
        "items-0-description",
        "items-0-justification",
        "items-TOTAL_FORMS",
        "items-INITIAL_FORMS",
    ],
    "recipients": ["recipients", "method", "method_detail"],
    "proportionality": ["checks", "gaps"],
    "lawful_basis": ["lawful_basis", "lawful_basis_note"],
    "advice": ["advice_from", "advice_on", "advice_given"],
    "outcome": ["outcome", "rationale", "override_reason", "refusal_reasons", "follow_up"],
}
NOT_TEXT = {
    "method",
    "checks",
    "lawful_basis",
    "outcome",
    "advice_on",
    "items-TOTAL_FORMS",
    "items-INITIAL_FORMS",
}


@pytest.fixture
def complete_draft(world, practitioner_client):
    walk(practitioner_client, world.share_request, COMPLETE)
    return DecisionDraft.objects.get(share_request=world.share_request)


@pytest.mark.parametrize("step", [s for s in STEP_FIELDS if s != "danger"])
def test_wizard_step(world, practitioner_client, complete_draft, step):
    url = reverse("wizard_step", args=[complete_draft.pk, step]) + "?return=check"

    @FUZZ
    @given(values=st.fixed_dictionaries({name: value for name in STEP_FIELDS[step]}))
    def post(values):
        if step == "items":  # hidden fields no one types in: tampering is fuzzed below
            values.update({"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0"})
        response = practitioner_client.post(url, values)
        texts = [n for n in STEP_FIELDS[step] if n not in NOT_TEXT]
        _check_step(response, values, texts, complete_draft, step)

    post()


@FUZZ
@given(total=value, initial=value, minimum=value, maximum=value, add=st.booleans())
def test_wizard_items_management_form_tampering(
    world, practitioner_client, complete_draft, total, initial, minimum, maximum, add
):
    url = reverse("wizard_step", args=[complete_draft.pk, "items"])
    data = {
        "items-TOTAL_FORMS": total,
        "items-INITIAL_FORMS": initial,
        "items-MIN_NUM_FORMS": minimum,
        "items-MAX_NUM_FORMS": maximum,
        "items-0-description": "Attendance",
        "items-0-justification": "Pattern",
    }
    if add:
        data["add-item"] = "1"
    TALLY["inputs"] += 1
    assert practitioner_client.post(url, data).status_code in (200, 302)


@FUZZ
@given(description=value, justification=value)
def test_wizard_add_item_keeps_or_refuses(
    world, practitioner_client, complete_draft, description, justification
):
    """ "Add another item" saves what was typed as it is, unless PostgreSQL could not store it."""
    url = reverse("wizard_step", args=[complete_draft.pk, "items"])
    data = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "add-item": "1",
        "items-0-description": description,
        "items-0-justification": justification,
    }
    response = practitioner_client.post(url, data)
    TALLY["inputs"] += 1
    assert response.status_code == 200
    typed = [_scalar(description) or "", _scalar(justification) or ""]
    if any("\x00" in t for t in typed):
        assert "Null characters are not allowed" in response.content.decode()


def _too_large(data: dict) -> bool:
    """Over Django's upload limit, counted in bytes of the encoded body: a 400 is right."""
    body_size = sum(len(str(v).encode("utf-8")) for v in data.values())
    return body_size > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE * 0.9


def _check_step(response, data, texts, draft, step):
    TALLY["inputs"] += 1
    TALLY["payloads"] += sum(1 for n in texts if any(p in str(data.get(n)) for p in PAYLOADS))
    if response.status_code == 400:
        assert _too_large(data)
        return
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        body = response.content.decode()
        assert "There is a problem" in body or "govuk-error-summary" in body
        shown = getattr(response.context["form"], "fields", None)
        for name in texts:
            if shown is not None and name not in shown:
                continue  # not a question on this page (e.g. "why not sought" when it was)
            typed = (_scalar(data.get(name)) or "").strip()
            if typed and "\x00" in typed:
                assert "Null characters are not allowed" in body
            elif typed and name in body:
                assert escape(typed) in body, f"{name}: typed value dropped"
        return
    draft.refresh_from_db()
    stored = draft.answers[step]
    for name in texts:
        if name in stored:  # kept as typed: lists of values, exactly
            # A scalar field keeps the value the form checked: the last one posted.
            posted = data[name][-1:] if isinstance(data[name], list) else [data[name]]
            assert stored[name] == posted, name
    TALLY["saved"] += 1


@FUZZ
@given(
    step=st.sampled_from(["danger"]),
    values=st.fixed_dictionaries({name: value for name in STEP_FIELDS["danger"]}),
)
def test_wizard_danger_step(world, practitioner_client, step, values):
    draft = world.draft
    practitioner_client.post(
        reverse("wizard_question", args=[draft.pk, "immediate_danger"]), {"answer": "true"}
    )
    url = reverse("wizard_step", args=[draft.pk, step])
    response = practitioner_client.post(url, values)
    _check_step(response, values, STEP_FIELDS["danger"], draft, step)


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=30),
        st.sampled_from(["given", "refused", "significant"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)
FACT_NAMES = [
    "immediate_danger",
    "legitimate_purpose",
    "consent",
    "risk_of_harm",
    "recipient_has_role",
    "advice_sought",
    "unknown_fact",
]


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    facts=st.one_of(json_values, st.dictionaries(st.sampled_from(FACT_NAMES), json_values)),
    framework=st.sampled_from(["uk-2024", "sa-isg", "nz", "no-such", "' or 1=1", "\x00"]),
    raw=st.one_of(st.none(), st.binary(max_size=60)),
)
def test_decide_command(db, tmp_path_factory, facts, framework, raw):
    """Good input prints JSON; anything else is a one-line CommandError, never a traceback."""
    path = tmp_path_factory.mktemp("facts") / f"{uuid.uuid4()}.json"
    path.write_bytes(raw if raw is not None else json.dumps(facts).encode())
    TALLY["decide"] += 1
    import io

    out = io.StringIO()
    try:
        call_command("decide", framework=framework, facts=str(path), stdout=out)
    except CommandError as error:
        assert "\n" not in str(error).strip()
        assert str(error).strip()
    else:
        assert isinstance(json.loads(out.getvalue()), dict)


def test_decide_command_prints_one_line_without_a_traceback(db, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "facts.json"
    path.write_text('{"consent": ["not", "a", "value"], "x": {"y": null}}')
    result = subprocess.run(
        [sys.executable, "manage.py", "decide", "--framework", "uk-2024", "--facts", str(path)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "isg.settings_test"},
    )
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module", autouse=True)
def _report_totals():
    yield
    print(f"\nfuzz totals: {dict(TALLY)}")
