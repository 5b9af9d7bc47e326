from django import template

register = template.Library()

RECOMMENDATION_LABELS = {
    "act_now": "Act now to protect them, then record what you did",
    "share": "Share",
    "share_without_consent": "Share without consent",
    "share_deidentified": "Share de-identified information",
    "do_not_share": "Do not share",
    "incomplete": "Not known yet",
}


@register.filter
def recommendation_label(code: str) -> str:
    return RECOMMENDATION_LABELS.get(code, code)


@register.filter
def method_label(code: str) -> str:
    """How information was passed on, in words (the wizard's and the share record's methods)."""
    from decisions.wizard_forms import METHODS

    return dict(METHODS).get(code, code)
