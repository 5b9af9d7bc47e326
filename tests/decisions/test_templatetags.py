"""The project's template tags (decisions/templatetags/isg.py)."""

from django.template import engines


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
