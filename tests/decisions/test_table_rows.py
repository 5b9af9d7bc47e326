"""request_rows, follow_up_rows and case_rows (decisions/templatetags/isg.py) write what the
template loops of includes/request_table.html, follow_up_table.html and case_list.html wrote:
the same elements, attributes and text, white space between tags aside."""

import datetime

import pytest
from django.template import engines
from django.utils import timezone

from decisions.models import Case, FollowUp, ShareRequest
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
