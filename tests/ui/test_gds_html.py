"""isg.ui.gds_html writes the markup crispy-forms-gds would: the same elements, attributes
and text (white space aside), for valid and invalid input alike."""

import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.http import QueryDict
from django.template import engines

from decisions.audit.review import AuditFilterForm
from decisions.reports.forms import PeriodForm
from decisions.wizard.forms import wizard_helper
from decisions.wizard.questions import question_form
from isg.ui import gds_html
from isg.ui.forms import form_helper

ORGANISATIONS = {
    "one": [SimpleNamespace(pk=1, name="Riverside")],
    "two": [SimpleNamespace(pk=1, name="Riverside"), SimpleNamespace(pk=2, name="Hill & Dale <x>")],
}
QUERIES = [
    None,
    "",
    "action=decision_submitted",
    "outcome=share&case=G1-0001&user=lead",
    "case=" + "x" * 41,
    "user=" + "y" * 151,
    "action=bogus&outcome=bogus",
    "organisation=2",
    "organisation=99",
    "organisation=abc",
    "date_from_0=40&date_from_1=2&date_from_2=2020",
    "date_from_0=1&date_from_1=&date_from_2=2020",
    "date_from_0=a&date_from_1=b&date_from_2=c",
    "date_from_0=2&date_from_1=1&date_from_2=2026&date_to_0=1&date_to_1=1&date_to_2=2026",
    "date_to_0=99999999999999999999&date_to_1=1&date_to_2=2026",
    "case=%3Cb%3E&user=%22q%22&date_from_0=%22x&date_from_1=1&date_from_2=2020",
]


class _Tokens(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append((tag, sorted((k, " ".join((v or "").split())) for k, v in attrs)))

    def handle_endtag(self, tag):
        self.tokens.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.tokens.append((" ".join(data.split()),))


def _tokens(html: str) -> list[tuple]:
    parser = _Tokens()
    parser.feed(html)
    return parser.tokens


def _by_crispy(form: forms.Form, layout: list, button: Button) -> str:
    """A GET form as its crispy-forms-gds layout drew it before gds_html: the organisation
    select first when the form has one, then `layout`, then `button`."""
    if "organisation" in form.fields:
        layout.insert(0, Field.select("organisation"))
    form.helper = form_helper(*layout, button, submit=None)
    form.helper.form_method = "get"
    template = (
        "{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}"
    )
    return engines["django"].from_string(template).render({"form": form})


def _by_gds_html(form: forms.Form, button: str, label: str) -> str:
    """The form as the page draws it: includes/get_form.html through gds_html."""
    template = (
        "{% load crispy_forms_gds %}{% error_summary form %}"
        '{% include "includes/get_form.html" %}'
    )
    return engines["django"].from_string(template).render(
        {"form": form, "button": button, "label": label}
    )


def _audit_filter_by_crispy(form: AuditFilterForm) -> str:
    for name in ("case", "user"):
        form.fields[name].widget.attrs.pop("class")
    layout = [
        Field.text("case", field_width=20),
        Field.text("user", field_width=20),
        Field.select("action"),
        Field.select("outcome"),
        Field("date_from"),
        Field("date_to"),
    ]
    return _by_crispy(form, layout, Button("filter", "Filter", css_class="govuk-button--secondary"))


@pytest.mark.parametrize("organisations", ORGANISATIONS)
@pytest.mark.parametrize("query", QUERIES)
def test_the_audit_filter_form_is_drawn_as_crispy_forms_gds_draws_it(organisations, query):
    data = None if query is None else QueryDict(query)
    chosen = ORGANISATIONS[organisations]
    expected = _tokens(_audit_filter_by_crispy(AuditFilterForm(data, organisations=chosen)))
    drawn = _tokens(_by_gds_html(
        AuditFilterForm(data, organisations=chosen), "filter", "Filter"
    ))
    assert drawn == expected


PERIODS = [
    None,
    "",
    "start_0=1&start_1=2026",
    "start_0=3&start_1=2026&end_0=11&end_1=2026",
    "start_0=13&start_1=2026",
    "start_0=1&start_1=26",
    "start_0=&start_1=2026",
    "start_0=1&start_1=1990",
    "end_0=12&end_1=2099",
    "start_0=5&start_1=2026&end_0=1&end_1=2026",
    "start_0=1&start_1=2020&end_0=12&end_1=2025",
    "organisation=2",
    "organisation=abc",
    "start_0=%3Cb%3E&start_1=%22x",
]


@pytest.mark.parametrize("organisations", ORGANISATIONS)
@pytest.mark.parametrize("query", PERIODS)
def test_the_report_period_form_is_drawn_as_crispy_forms_gds_draws_it(organisations, query):
    data = None if query is None else QueryDict(query)
    chosen = ORGANISATIONS[organisations]
    expected = _tokens(_by_crispy(
        PeriodForm(data, organisations=chosen),
        [Field("start"), Field("end")],
        Button("show", "Show the report", css_class="govuk-button--secondary"),
    ))
    drawn = _tokens(_by_gds_html(
        PeriodForm(data, organisations=chosen), "show", "Show the report"
    ))
    assert drawn == expected


def test_an_invalid_date_is_marked_on_its_boxes_and_named_in_the_fieldset():
    form = AuditFilterForm(
        QueryDict("date_from_0=40&date_from_1=2&date_from_2=2020"), organisations=[]
    )
    html = gds_html.field_html(form["date_from"])
    assert 'aria-describedby="id_date_from_hint id_date_from_1_error"' in html
    assert html.count("govuk-input--error") == 3
    assert re.search(r'id="id_date_from_1_error"[^>]*>.*Error:', html)


def test_a_widget_it_does_not_know_is_refused():
    class Other(forms.Form):
        notes = forms.CharField(widget=forms.Textarea)

    with pytest.raises(TypeError):
        gds_html.field_html(Other()["notes"])


QUESTION = {"text": "Is a child in danger now?", "answers": {"true": "Yes", "false": "No"}}


@pytest.mark.parametrize("hint", ["", "Think of any child in the household & beyond."])
@pytest.mark.parametrize(
    "data, initial",
    [(None, None), (None, {"answer": "false"}), ({}, None), ({"answer": "maybe"}, None),
     ({"answer": "true"}, None)],
)
def test_a_question_is_drawn_as_crispy_forms_gds_draws_its_radios(hint, data, initial):
    question = {**QUESTION, "hint": hint}
    data = None if data is None else QueryDict(mutable=True) | data

    def form():
        return question_form(question, bool, data=data, initial=initial)

    crispy = form()
    crispy.helper = wizard_helper(Field.radios("answer", legend_size=Size.LARGE, legend_tag="h1"))
    expected = engines["django"].from_string(
        "{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}"
    ).render({"form": crispy})
    drawn = engines["django"].from_string(
        '{% load isg crispy_forms_gds %}{% error_summary form %}'
        '{% gds_field form.answer legend_size="l" legend_tag="h1" %}'
    ).render({"form": form()})
    assert _tokens(drawn) == _tokens(expected)
