import datetime
import uuid
from collections.abc import Callable, Iterable
from html import escape
from typing import Any
from urllib.parse import quote

from django import template
from django.forms.boundfield import BoundField
from django.template.defaultfilters import truncatewords
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime

from decisions.models import AuditEntry, Case, Decision, FollowUp, ShareRecord, ShareRequest
from decisions.reports.figures import Figure
from guidance.vocabulary import recommendation_label as _recommendation_label
from isg.ui import gds_html

register = template.Library()


@register.filter
def recommendation_label(code: str) -> str:
    return _recommendation_label(code)


@register.filter
def method_label(code: str) -> str:
    """How information was passed on, in words (the wizard's and the share record's methods)."""
    return dict(ShareRecord.METHODS).get(code, code)


@register.simple_tag
def table_head(*headings: str) -> str:
    """A GOV.UK table's header row; an empty heading is a column the caller leaves out."""
    cells = format_html_join(
        "",
        '<th scope="col" class="govuk-table__header">{}</th>',
        ((heading,) for heading in headings if heading),
    )
    return format_html(
        '<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>', cells
    )


@register.simple_tag
def gds_field(field: BoundField, **options: str) -> SafeString:
    """A text, select, date or radios field in GOV.UK markup, without nested templates."""
    return gds_html.field_html(field, **options)


@register.simple_tag
def audit_rows(rows: Iterable[Any]) -> SafeString:
    """The audit log's table rows, written here: 50 rows through the template engine were
    most of the list's time. Each row is a named values_list row of `review.LIST_COLUMNS`
    (no model built per entry). Every value is escaped as format_html would."""
    day = _Days()

    def when(moment: datetime.datetime) -> str:
        """As `|date:"j M Y, H:i:s"`."""
        local = localtime(moment)  # what the template did before |date, with USE_TZ on
        return f"{day(local.date())}, {local:%H:%M:%S}"

    url = _url_of("audit_detail", URL_MARK)
    cells = []
    for row in rows:
        cells.append(AUDIT_ROW.format(
            url(row.sequence), row.sequence, when(row.created_at),
            escape(_actor(row)), escape(str(ACTIONS.get(row.action, row.action))),
            escape(row.case__reference or ""), escape(row.outcome),
        ))
    return mark_safe("".join(cells))


URL_MARK = 987654321
ACTIONS = dict(AuditEntry.Action.choices)
AUDIT_ROW = (
    '<tr class="govuk-table__row">'
    '<td class="govuk-table__cell"><a class="govuk-link" href="{}">'
    '<span class="govuk-visually-hidden">Entry </span>#{}</a></td>'
    + '<td class="govuk-table__cell">{}</td>' * 5
    + "</tr>"
)


def _actor(row: Any) -> str:
    """User.display_name (AbstractUser.get_full_name, else the username) from the row's
    columns; for an entry without a user, the name they gave, or the system."""
    if row.actor_id is not None:
        return f"{row.actor__first_name} {row.actor__last_name}".strip() or row.actor__username
    return f"“{row.actor_label}”" if row.actor_label else "System"


def _url_of(name: str, sample: Any = None) -> Callable[[Any], str]:
    """reverse(name, args=[pk]) for every row of a table, reversed once: the URL of a sample
    argument (a UUID unless given), with the row's own put in its place. reverse() has
    already percent-encoded the path, so it needs no HTML escaping."""
    sample = uuid.UUID(int=0) if sample is None else sample
    head, _, tail = reverse(name, args=[sample]).partition(str(sample))
    return lambda pk: f"{head}{pk}{tail}"


@register.simple_tag
def approval_rows(decisions: Iterable[Decision]) -> SafeString:
    """The approval queue's table rows (includes/approval_queue_table.html), written here as
    the template wrote them. Each decision needs its case, request and decider selected."""
    url = _url_of("approval_verdict")
    day = _Days()
    rows = []
    for decision in decisions:
        urgency = decision.share_request.urgency
        decided = localtime(decision.decided_at)  # as |date:"j M Y, H:i"
        rows.append(APPROVAL_ROW.format(
            reference=escape(decision.case.reference),
            href=url(decision.pk),
            outcome=escape(str(decision.get_outcome_display())),
            by=escape(decision.decided_by.display_name if decision.decided_by else ""),
            urgency="Routine" if urgency == "routine" else URGENT_TAG.format(
                escape(capfirst(urgency) or "")
            ),
            decided=f"{day(decided.date())}, {decided:%H:%M}",
        ))
    return mark_safe("".join(rows))


URGENT_TAG = '<strong class="govuk-tag govuk-tag--red">{}</strong>'
APPROVAL_ROW = (
    '<tr class="govuk-table__row">'
    '<td class="govuk-table__cell">{reference}</td>'
    '<td class="govuk-table__cell"><a class="govuk-link" href="{href}">{outcome}'
    '<span class="govuk-visually-hidden">, case {reference}</span></a> by {by}</td>'
    '<td class="govuk-table__cell">{urgency}</td>'
    '<td class="govuk-table__cell">{decided}</td>'
    "</tr>"
)


@register.simple_tag
def pagination_link(rel: str, label: str, hidden: str, kept: str = "", **position: Any) -> str:
    """A GOV.UK pagination's previous ("prev") or next ("next") link. `kept` is the page's
    other parameters, already encoded; `position` the link's own (page=2, before=1001), and
    any other parameter that is not empty (q=…)."""
    given = [f"{name}={quote(str(value), safe='/')}" for name, value in position.items() if value]
    href = "?" + "&".join([kept, *given] if kept else given)
    return format_html(
        '<div class="govuk-pagination__{}"><a class="govuk-link govuk-pagination__link" '
        'href="{}" rel="{}"><span class="govuk-pagination__link-title">{}'
        '<span class="govuk-visually-hidden"> {}</span></span></a></div>',
        rel, href, rel, label, hidden,
    )


OVERDUE_TAG = mark_safe(' <strong class="govuk-tag govuk-tag--red">Overdue</strong>')


@register.simple_tag
def request_status(share_request: ShareRequest) -> str:
    """The request's status as a tag (red when overdue, blue while open, grey once closed),
    with an Overdue tag after it when overdue. A tag, not an include: it is drawn on every row
    of the dashboard's and the case's tables of requests."""
    overdue = share_request.is_overdue
    colour = "red" if overdue else "blue" if share_request.is_open else "grey"
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>{}',
        colour,
        share_request.get_status_display(),
        OVERDUE_TAG if overdue else "",
    )


# The rows below are written with str.format, each value escaped (html.escape, as
# format_html does) or already HTML: format_html per cell was most of a table's cost.
CELL = '<td class="govuk-table__cell">{}</td>'
LINK_CELL = '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>'
ROW = '<tr class="govuk-table__row">{}</tr>'
REQUEST_ROW = ROW.format("{}" + LINK_CELL + CELL + CELL)
CASE_ROW = ROW.format(LINK_CELL + CELL * 3)
FOLLOW_UP_ROW = ROW.format(CELL + LINK_CELL + "{}" + CELL)


class _Days:
    """`|date:"j M Y"` of each day shown, worked out once per day (rows share due dates).

    Written out as dateformat does it ("M" is the month's short name, in the active
    language, title-cased): the filter itself parsed the format for every day, a tenth of
    a manager's dashboard (tests/decisions/test_table_rows.py compares the two)."""

    def __init__(self) -> None:
        self.seen: dict[datetime.date, str] = {}
        self.months: dict[int, str] = {}

    def __call__(self, day: datetime.date | None) -> str:
        if day is None:
            return ""
        if day not in self.seen:
            if day.month not in self.months:
                self.months[day.month] = str(MONTHS_3[day.month]).title()
            self.seen[day] = f"{day.day} {self.months[day.month]} {day.year:04d}"
        return self.seen[day]


@register.simple_tag
def request_rows(rows: Iterable[ShareRequest], show_case: bool = False) -> SafeString:
    """The rows of a table of share requests (includes/request_table.html), written here:
    the dashboard draws up to 150 of them, and through the template engine they were half
    of a manager's page. Each request needs its case selected with it when `show_case`."""
    day = _Days()
    case_url, request_url = _url_of("case_detail"), _url_of("request_detail")
    statuses: dict[tuple[str, bool], str] = {}  # a status tag depends on these two alone

    def status(row: ShareRequest) -> str:
        key = (row.status, row.is_overdue)
        if key not in statuses:
            statuses[key] = request_status(row)
        return statuses[key]

    return mark_safe("".join(
        REQUEST_ROW.format(
            LINK_CELL.format(case_url(row.case_id), escape(row.case.reference))
            if show_case else "",
            request_url(row.pk),
            escape(str(row)),
            status(row),
            day(row.due_on) or "No date",
        )
        for row in rows
    ))


@register.simple_tag
def case_rows(cases: Iterable[Case]) -> SafeString:
    """The case list's rows (decisions/case_list.html), as request_rows: 25 rows through the
    template engine were 40% of the page. Each case needs its organisation selected."""
    day = _Days()
    url = _url_of("case_detail")
    return mark_safe("".join(
        CASE_ROW.format(
            url(case.pk),
            escape(case.reference),
            escape(case.organisation.name),
            day(localtime(case.created_at).date()),
            "Closed" if case.is_closed else "Open",
        )
        for case in cases
    ))


NUMERIC_HEAD = '<th scope="col" class="govuk-table__header govuk-table__header--numeric">{}</th>'
NUMERIC_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
FIGURE_ROW = ROW.format('<th scope="row" class="govuk-table__header">{}</th>{}')
FIGURE_TABLE = (
    '<table class="govuk-table isg-figure__table">'
    '<caption class="govuk-table__caption govuk-table__caption--s">{}, {}</caption>'
    '<thead class="govuk-table__head"><tr class="govuk-table__row">'
    '<th scope="col" class="govuk-table__header">{}</th>{}</tr></thead>'
    '<tbody class="govuk-table__body">{}</tbody></table>'
)
NOTHING_ROW = (
    '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{}">'
    "Nothing in this period.</td></tr>"
)


@register.simple_tag
def figure_table(figure: Figure, period_label: str) -> SafeString:
    """A report figure's table (decisions/reports/figure.html), as audit_rows: thirteen
    tables of a row a month through the template engine were 60% of the reports page's time
    in pyinstrument. Every value is escaped as format_html would."""
    heads = "".join(NUMERIC_HEAD.format(escape(str(series.label))) for series in figure.series)
    rows = "".join(
        FIGURE_ROW.format(
            escape(str(row)), "".join(NUMERIC_CELL.format(escape(value)) for value in values)
        )
        for row, values in figure.shown
    ) or NOTHING_ROW.format(len(figure.series) + 1)
    title = f"{figure.title} ({figure.unit})" if figure.unit else figure.title
    return mark_safe(FIGURE_TABLE.format(
        escape(str(title)), escape(str(period_label)), escape(str(figure.row_heading)), heads,
        rows,
    ))


@register.simple_tag
def follow_up_rows(rows: Iterable[FollowUp], show_owner: bool = False) -> SafeString:
    """The rows of a table of follow-ups (includes/follow_up_table.html), as request_rows.
    Each follow-up needs its case (and its owner, when `show_owner`) selected with it."""
    day = _Days()
    decision_url = _url_of("decision_detail")
    return mark_safe("".join(
        FOLLOW_UP_ROW.format(
            escape(row.case.reference),
            decision_url(row.decision_id) + "#follow-ups",
            escape(truncatewords(row.action, 12)),
            CELL.format(escape(row.owner.display_name)) if show_owner else "",
            day(row.due_on) + (OVERDUE_TAG if row.is_overdue else ""),
        )
        for row in rows
    ))
