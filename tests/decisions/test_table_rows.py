"""request_rows, follow_up_rows, case_rows and figure_table (decisions/templatetags/isg.py)
write what the template loops of includes/request_table.html, follow_up_table.html,
case_list.html and decisions/reports/figure.html wrote: the same elements, attributes and
text, white space between tags aside. Their dates are the date filter's."""

import datetime
from types import SimpleNamespace

import pytest
from django.template import engines
from django.template.defaultfilters import date
from django.utils import timezone, translation

from decisions.models import Case, FollowUp, ShareRequest
from decisions.reports.figures import Figure, Series
from decisions.templatetags.isg import _Days
from tests import factories
from tests.ui.test_gds_html import _Tokens


class _Spaced(_Tokens):
    """Text also says whether white space begins or ends it ("1 Apr 2026 <strong>…")."""

    def handle_data(self, data):
        if data.strip():
            self.tokens.append((" ".join(data.split()), data[0].isspace(), data[-1].isspace()))

OLD_REQUEST_ROWS = """{% load isg %}{% for share_request in rows %}
    <tr class="govuk-table__row">
      {% if show_case %}<td class="govuk-table__cell"><a class="govuk-link" href="{% url 'case_detail' share_request.case_id %}">{{ share_request.case.reference }}</a></td>{% endif %}
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'request_detail' share_request.pk %}">{{ share_request }}</a></td>
      <td class="govuk-table__cell">{% request_status share_request %}</td>
      <td class="govuk-table__cell">{{ share_request.due_on|date:"j M Y"|default:"No date" }}</td>
    </tr>
    {% endfor %}"""  # noqa: E501 (the old templates, verbatim)
OLD_FOLLOW_UP_ROWS = """{% for follow_up in rows %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">{{ follow_up.case.reference }}</td>
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'decision_detail' follow_up.decision_id %}#follow-ups">{{ follow_up.action|truncatewords:12 }}</a></td>
      {% if show_owner %}<td class="govuk-table__cell">{{ follow_up.owner.display_name }}</td>{% endif %}
      <td class="govuk-table__cell">{{ follow_up.due_on|date:"j M Y" }}{% if follow_up.is_overdue %} <strong class="govuk-tag govuk-tag--red">Overdue</strong>{% endif %}</td>
    </tr>
    {% endfor %}"""  # noqa: E501 (the old templates, verbatim)
OLD_CASE_ROWS = """{% for case in rows %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'case_detail' case.pk %}">{{ case.reference }}</a></td>
      <td class="govuk-table__cell">{{ case.organisation.name }}</td>
      <td class="govuk-table__cell">{{ case.created_at|date:"j M Y" }}</td>
      <td class="govuk-table__cell">{% if case.is_closed %}Closed{% else %}Open{% endif %}</td>
    </tr>
    {% endfor %}"""  # noqa: E501 (the old template, verbatim)

OLD_FIGURE_TABLE = """<table class="govuk-table isg-figure__table">
      <caption class="govuk-table__caption govuk-table__caption--s">{{ figure.title }}{% if figure.unit %} ({{ figure.unit }}){% endif %}, {{ report.period.label }}</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">{{ figure.row_heading }}</th>
          {% for series in figure.series %}<th scope="col" class="govuk-table__header govuk-table__header--numeric">{{ series.label }}</th>{% endfor %}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {% for row, values in figure.shown %}
        <tr class="govuk-table__row">
          <th scope="row" class="govuk-table__header">{{ row }}</th>
          {% for value in values %}<td class="govuk-table__cell govuk-table__cell--numeric">{{ value }}</td>{% endfor %}
        </tr>
        {% empty %}
        <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{{ figure.series|length|add:1 }}">Nothing in this period.</td></tr>
        {% endfor %}
      </tbody>
    </table>"""  # noqa: E501 (the old template, verbatim)


def _tokens(source: str, **context) -> list[tuple]:
    parser = _Spaced()
    parser.feed(engines["django"].from_string(source).render(context))
    return parser.tokens


@pytest.fixture
def rows(world):
    today = timezone.localdate()
    case = factories.make_case(world.org, reference="R<&>“1”")
    requests = [world.share_request]
    for n, status in enumerate(ShareRequest.Status.values):
        for due in (None, today - datetime.timedelta(days=3), today, today + datetime.timedelta(9)):
            requests.append(factories.make_request(
                case, status=status, due_on=due, counterpart_agency=f"Agency <{n}> & “co”"
            ))
    practitioner = world.users["practitioner"]
    follow_ups = [
        FollowUp.objects.create(
            case=case, decision=world.decision, owner=owner, due_on=today + datetime.timedelta(d),
            created_by=practitioner, done_at=done, action=action,
        )
        for d in (-5, 0, 4)
        for done in (None, timezone.now())
        for owner in (practitioner, world.users["manager"])
        for action in ("Ring the school", "<b>Tell</b> " + "the family & the GP " * 5)
    ]
    return requests, follow_ups


@pytest.mark.parametrize("show_case", [True, False])
def test_request_rows_are_the_template_loops_rows(rows, show_case):
    requests = list(
        ShareRequest.objects.select_related("case").filter(pk__in=[r.pk for r in rows[0]])
    )
    assert len(requests) == 29
    assert _tokens("{% load isg %}{% request_rows rows show_case %}", rows=requests,
                   show_case=show_case) == _tokens(OLD_REQUEST_ROWS, rows=requests,
                                                   show_case=show_case)


@pytest.mark.parametrize("show_owner", [True, False])
def test_follow_up_rows_are_the_template_loops_rows(rows, show_owner):
    follow_ups = list(FollowUp.objects.select_related("case", "owner"))
    assert len(follow_ups) == 24
    new = _tokens("{% load isg %}{% follow_up_rows rows show_owner %}", rows=follow_ups,
                  show_owner=show_owner)
    assert new == _tokens(OLD_FOLLOW_UP_ROWS, rows=follow_ups, show_owner=show_owner)
    assert ("Overdue", False, False) in new and ("/b",) not in new


def test_case_rows_are_the_template_loops_rows(world):
    """Opened either side of midnight in London (summer time and winter), and names that need
    escaping."""
    elsewhere = factories.make_organisation("Smith & “Sons” <Ltd>")
    openings = [
        datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC),  # 1 July in London
        datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC),  # 31 December
        datetime.datetime(2026, 3, 29, 0, 59, tzinfo=datetime.UTC),
    ]
    for n, opened in enumerate(openings):
        for closed in (False, True):
            case = factories.make_case(
                elsewhere if closed else world.org, reference=f"C<{n}>&“{closed}”",
                is_closed=closed,
            )
            Case.objects.filter(pk=case.pk).update(created_at=opened)
    cases = list(Case.objects.select_related("organisation").order_by("reference"))
    assert len(cases) >= 6
    new = _tokens("{% load isg %}{% case_rows rows %}", rows=cases)
    assert new == _tokens(OLD_CASE_ROWS, rows=cases)
    texts = {token[0] for token in new if len(token) == 3}
    assert {"1 Jul 2026", "31 Dec 2026", "Closed", "Open", "Smith & “Sons” <Ltd>"} <= texts


FIGURES = [
    Figure(
        slug="approval-time", title="Time to a verdict", about="", row_heading="Month",
        rows=["Jan 2026", "Feb 2026", "Mar 2026"], unit="hours",
        series=[Series("Median", [1.0, None, 12.25]), Series("90th percentile", [3.5, None, 40])],
    ),
    Figure(
        slug="agencies", title="Requests by agency", about="", row_heading="Agency",
        rows=["Smith & “Sons” <Ltd>", "Every other agency"],
        series=[Series("Incoming <in>", [4, 0]), Series("Outgoing", [0, 2])], chart="horizontal",
    ),
    Figure(
        slug="exchanges", title="Exchanges & <more>", about="", row_heading="Organisation",
        rows=[], series=[Series("Asked of us", []), Series("Answered by us", [])],
    ),
]


@pytest.mark.parametrize("figure", FIGURES, ids=[f.slug for f in FIGURES])
def test_figure_table_is_the_templates_table(figure):
    period = SimpleNamespace(label="January 2026 to March 2026 <all>")
    new = _tokens("{% load isg %}{% figure_table figure report.period.label %}", figure=figure,
                  report=SimpleNamespace(period=period))
    assert new == _tokens(OLD_FIGURE_TABLE, figure=figure, report=SimpleNamespace(period=period))
    # The caption is one text, escaped: unescaped, "<all>" and "<more>" would be read as tags.
    unit = f" ({figure.unit})" if figure.unit else ""
    assert [token[0] for token in new if len(token) == 3 and "<all>" in token[0]] == [
        f"{figure.title}{unit}, January 2026 to March 2026 <all>"
    ]


@pytest.mark.parametrize("language", ["en-gb", "fr", "de"])
def test_days_are_written_as_the_date_filter_writes_them(language):
    days = [datetime.date(2026, 1, 1) + datetime.timedelta(n) for n in range(366)]
    days += [datetime.date(999, 12, 31), datetime.date(2000, 2, 29)]
    with translation.override(language):
        day = _Days()
        assert [day(d) for d in days] == [date(d, "j M Y") for d in days]
        assert [day(d) for d in days] == [date(d, "j M Y") for d in days]  # remembered
    assert day(None) == ""
