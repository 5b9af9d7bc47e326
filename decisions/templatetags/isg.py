from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from decisions.models import ShareRecord, ShareRequest
from guidance.vocabulary import recommendation_label as _recommendation_label

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
