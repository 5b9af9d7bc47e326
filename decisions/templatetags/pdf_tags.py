from django import template

register = template.Library()


@register.inclusion_tag("decisions/includes/pdf_links.html", takes_context=True)
def decision_pdf_links(context, decision):
    """The record page's download links; the unredacted copy is offered to leads only."""
    from decisions.pdf_views import may_unredact

    return {"decision": decision, "can_unredact": may_unredact(context["request"].user, decision)}
