"""The safeguarding lead's reports: the page, each chart as an SVG image, the CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from decisions.reports import selectors
from decisions.reports.charts import chart_svg
from decisions.reports.export import figures_csv
from decisions.reports.forms import PeriodForm
from isg.accounts.models import Organisation
from isg.accounts.roles import user_of

PERIOD_FIELDS = ("organisation", "start_0", "start_1", "end_0", "end_1")


def _chosen(request: HttpRequest) -> tuple[Organisation, PeriodForm]:
    """The organisation (404 unless the user leads it) and the period form, bound to the
    query when it names a period."""
    user = user_of(request)
    organisation = selectors.get_report_organisation(user, request.GET.get("organisation"))
    bound = any(name in request.GET for name in PERIOD_FIELDS)
    form = PeriodForm(
        request.GET if bound else None,
        organisations=selectors.report_organisations_for(user),
    )
    return organisation, form


def _errors(form: PeriodForm) -> list[str]:
    return [str(message) for messages in form.errors.values() for message in messages]


def _query(organisation: Organisation, form: PeriodForm) -> str:
    return urlencode({"organisation": organisation.pk, **form.period.query()})


def reports(request: HttpRequest) -> HttpResponse:
    organisation, form = _chosen(request)
    context: dict[str, object] = {"form": form, "organisation": organisation}
    if not form.errors:
        report = selectors.report(organisation, form.period)
        context.update(report=report, query=_query(organisation, form))
    return render(request, "decisions/reports/reports.html", context)


def _bad_period(form: PeriodForm) -> HttpResponse:
    return HttpResponse(
        "The period is not valid: " + "; ".join(_errors(form)) + ".\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def reports_csv(request: HttpRequest) -> HttpResponse:
    """Every figure, or the one named by ?figure=, as CSV."""
    organisation, form = _chosen(request)
    if form.errors:
        return _bad_period(form)
    period = form.period
    slug = request.GET.get("figure", "")
    if slug and slug not in selectors.FIGURES:
        raise Http404("No such figure")
    figures = (
        [selectors.figure(organisation, period, slug)]
        if slug
        else selectors.report(organisation, period).figures
    )
    name = f"isg-report-{slug or 'all'}-{period.first:%Y-%m}-to-{period.last:%Y-%m}.csv"
    response = HttpResponse(
        figures_csv(organisation.name, period, figures), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# The image holds no script (charts.without_scripts) and is shown through <img>, which never
# runs one; its own styles sit in a <style> element, which this response alone allows.
# (django-csp types a view as taking the request alone, hence the ignore.)
@csp_replace(  # type: ignore[arg-type]
    {
        "default-src": ["'none'"],
        "script-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["'none'"],
        "form-action": ["'none'"],
    }
)
def reports_chart(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, form = _chosen(request)
    if slug not in selectors.FIGURES:
        raise Http404("No such figure")
    if form.errors:
        return _bad_period(form)
    svg = chart_svg(selectors.figure(organisation, form.period, slug))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response
