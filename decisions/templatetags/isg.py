from django import template

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
