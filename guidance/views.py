from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from guidance import catalogue, comparison, presentation
from guidance.forms import CompareForm, is_submitted


def _definition_or_404(slug: str, version: str | None = None) -> dict:
    try:
        return catalogue.definition(slug, version)
    except catalogue.UnknownFramework as exc:
        raise Http404(str(exc)) from None


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    frameworks = [
        {"definition": d, "versions": catalogue.versions(d["slug"])} for d in catalogue.latest()
    ]
    return render(request, "guidance/library.html", {"frameworks": frameworks})


@require_GET
def framework(request: HttpRequest, slug: str, version: str | None = None) -> HttpResponse:
    definition = _definition_or_404(slug, version)
    latest = catalogue.definition(slug)
    return render(
        request,
        "guidance/framework.html",
        {
            **presentation.framework_page(definition),
            "latest": latest,
            "is_latest": latest["version"] == definition["version"],
            "versions": catalogue.versions(slug),
        },
    )


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    definitions = sorted(catalogue.latest(), key=lambda d: d["short_title"])
    questions = comparison.compare_fields(definitions)
    submitted = is_submitted(request.GET, [q["name"] for q in questions])
    form = CompareForm(request.GET if submitted else None, questions=questions)
    columns = None
    if submitted and form.is_valid():
        columns = comparison.compare(definitions, form.facts())
    return render(
        request,
        "guidance/compare.html",
        {"form": form, "rows": form.rows(), "columns": columns},
    )
