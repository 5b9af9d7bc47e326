import datetime
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from django import template
from django.forms.boundfield import BoundField
from django.template.defaultfilters import date, truncatewords
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from decisions.models import AuditEntry, FollowUp, ShareRecord, ShareRequest
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
def audit_rows(entries: Iterable[AuditEntry]) -> SafeString:
    """The audit log's table rows, written here: 50 rows through the template engine were
    most of the list's time. Each entry needs its actor and case selected with it."""
    days: dict[datetime.date, str] = {}

    def when(moment: datetime.datetime) -> str:
        """As `|date:"j M Y, H:i:s"`; the day's words worked out once per day shown."""
        local = localtime(moment)  # what the template did before |date, with USE_TZ on
        if local.date() not in days:
            days[local.date()] = date(local, "j M Y")
        return f"{days[local.date()]}, {local:%H:%M:%S}"

    return format_html_join("", AUDIT_ROW, (
        (
            reverse("audit_detail", args=[entry.sequence]),
            entry.sequence,
            when(entry.created_at),
            _actor(entry),
            ACTIONS.get(entry.action, entry.action),
            entry.case.reference if entry.case else "",
            entry.outcome,
        )
        for entry in entries
    ))


ACTIONS = dict(AuditEntry.Action.choices)
AUDIT_ROW = (
    '<tr class="govuk-table__row">'
    '<td class="govuk-table__cell"><a class="govuk-link" href="{}">'
    '<span class="govuk-visually-hidden">Entry </span>#{}</a></td>'
    + '<td class="govuk-table__cell">{}</td>' * 5
    + "</tr>"
)


def _actor(entry: AuditEntry) -> str:
    if entry.actor:
        return entry.actor.display_name
    return f"“{entry.actor_label}”" if entry.actor_label else "System"


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


CELL = '<td class="govuk-table__cell">{}</td>'
LINK_CELL = '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>'


class _Days:
    """`|date:"j M Y"` of each day shown, worked out once per day (rows share due dates)."""

    def __init__(self) -> None:
        self.seen: dict[datetime.date, str] = {}

    def __call__(self, day: datetime.date | None) -> str:
        if day is None:
            return ""
        if day not in self.seen:
            self.seen[day] = date(day, "j M Y")
        return self.seen[day]


def _url_of(name: str) -> Callable[[uuid.UUID], str]:
    """reverse(name, args=[pk]) for every row of a table, reversed once: the URL of a sample
    id, with the row's id put in its place."""
    sample = uuid.UUID(int=0)
    head, _, tail = reverse(name, args=[sample]).partition(str(sample))
    return lambda pk: f"{head}{pk}{tail}"


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

    return format_html_join("", "{}", (
        (format_html(
            '<tr class="govuk-table__row">{}' + LINK_CELL + CELL + CELL + "</tr>",
            format_html(LINK_CELL, case_url(row.case_id), row.case.reference)
            if show_case else "",
            request_url(row.pk),
            str(row),
            status(row),
            day(row.due_on) or "No date",
        ),)
        for row in rows
    ))


@register.simple_tag
def follow_up_rows(rows: Iterable[FollowUp], show_owner: bool = False) -> SafeString:
    """The rows of a table of follow-ups (includes/follow_up_table.html), as request_rows.
    Each follow-up needs its case (and its owner, when `show_owner`) selected with it."""
    day = _Days()
    decision_url = _url_of("decision_detail")
    return format_html_join("", "{}", (
        (format_html(
            '<tr class="govuk-table__row">' + CELL + LINK_CELL + "{}" + CELL + "</tr>",
            row.case.reference,
            decision_url(row.decision_id) + "#follow-ups",
            truncatewords(row.action, 12),
            format_html(CELL, row.owner.display_name) if show_owner else "",
            format_html("{}{}", day(row.due_on), OVERDUE_TAG if row.is_overdue else ""),
        ),)
        for row in rows
    ))
