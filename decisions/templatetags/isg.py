from django import template
from django.utils.html import format_html, format_html_join

from decisions.models import ShareRecord
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
