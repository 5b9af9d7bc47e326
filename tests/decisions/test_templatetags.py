"""The project's template tags (decisions/templatetags/isg.py)."""

import re

from django.template import engines

from decisions.models import Decision
from isg.accounts.models import User
from tests import factories


def _render(source: str, **context) -> str:
    return engines["django"].from_string("{% load isg %}" + source).render(context)


def test_a_pagination_link_keeps_the_search_and_names_its_page():
    html = _render(
        '{% pagination_link "next" "Next" "page" q=query page=3 %}', query="G1 0/ä&x"
    )
    assert html == (
        '<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" '
        'href="?q=G1%200/%C3%A4%26x&amp;page=3" rel="next">'
        '<span class="govuk-pagination__link-title">Next'
        '<span class="govuk-visually-hidden"> page</span></span></a></div>'
    )


def test_a_pagination_link_without_a_search_has_only_its_page():
    assert 'href="?page=1" rel="prev"' in _render(
        '{% pagination_link "prev" "Previous" "page" q="" page=1 %}'
    )


def test_an_audit_pagination_link_keeps_the_encoded_filters():
    html = _render(
        '{% pagination_link "prev" "Newer" "entries" filters after=1001 %}',
        filters="action=signed_in&case=R%201",
    )
    assert 'href="?action=signed_in&amp;case=R%201&amp;after=1001" rel="prev"' in html
    assert _render(
        '{% pagination_link "next" "Older" "entries" filters before=7 %}', filters=""
    ).count('href="?before=7"') == 1


# The approval queue's rows as includes/approval_queue_table.html drew them with a loop,
# before the approval_rows tag: the tag must write the same markup.
QUEUE_ROWS_AS_A_LOOP = (
    '{% for decision in decisions %}<tr class="govuk-table__row">'
    '<td class="govuk-table__cell">{{ decision.case.reference }}</td>'
    '<td class="govuk-table__cell">'
    "<a class=\"govuk-link\" href=\"{% url 'approval_verdict' decision.pk %}\">"
    "{{ decision.get_outcome_display }}"
    '<span class="govuk-visually-hidden">, case {{ decision.case.reference }}</span></a>'
    " by {{ decision.decided_by.display_name }}</td>"
    '<td class="govuk-table__cell">{% if decision.share_request.urgency == "routine" %}Routine'
    '{% else %}<strong class="govuk-tag govuk-tag--red">'
    "{{ decision.share_request.urgency|capfirst }}</strong>{% endif %}</td>"
    '<td class="govuk-table__cell">{{ decision.decided_at|date:"j M Y, H:i" }}</td>'
    "</tr>{% endfor %}"
)


def _between_tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_approval_rows_write_what_the_template_loop_wrote(world):
    world.case.reference = 'R<1>&"x"'
    world.case.save()
    decider = world.users["practitioner"]
    decider.first_name, decider.last_name = "Ann <b>", "O'Neil & co"
    decider.save()
    decisions = []
    for urgency, outcome in (
        ("routine", Decision.Outcome.SHARE_WITHOUT_CONSENT),
        ("urgent", Decision.Outcome.DO_NOT_SHARE),
        ("immediate", Decision.Outcome.SHARE_WITHOUT_CONSENT),
    ):
        request = factories.make_request(world.case, urgency=urgency)
        decisions.append(factories.make_decision(request, decider, outcome=outcome))
    nameless = User.objects.create_user(username="u<1>")
    decisions.append(factories.make_decision(factories.make_request(world.case), nameless))
    decisions = list(
        Decision.objects.filter(pk__in=[d.pk for d in decisions])
        .select_related("case", "share_request", "decided_by")
        .order_by("decided_at")
    )
    drawn = _render("{% approval_rows decisions %}", decisions=decisions)
    assert drawn.count("<tr ") == 4 and "govuk-tag--red" in drawn and "Routine" in drawn
    assert _between_tags(drawn) == _between_tags(_render(QUEUE_ROWS_AS_A_LOOP, decisions=decisions))
