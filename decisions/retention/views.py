"""The lead's retention page, legal holds, and a person's disclosure log (page and PDF)."""

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from decisions.cases.selectors import get_case_for
from decisions.models import Case, RecordKind
from decisions.pages import F, form_page
from decisions.retention import disclosure, schedules, selectors, services
from decisions.retention.forms import DisclosureSearchForm, HoldForm, LiftForm, ScheduleForm
from isg.accounts.models import Organisation, User
from isg.accounts.roles import user_of
from isg.ui.formatting import file_stamp
from isg.ui.forms import posted_data


def _organisation(request: HttpRequest, user: User) -> Organisation:
    """The organisation the lead is looking at (?organisation=, else their first); 404 for
    anyone who leads none."""
    allowed = selectors.retention_organisations_for(user)
    chosen = request.GET.get("organisation") or (allowed[0] if allowed else None)
    try:
        chosen_id = int(chosen) if chosen is not None else None
    except ValueError:
        chosen_id = None
    if chosen_id not in allowed:
        raise Http404("No such page")
    return Organisation.objects.get(pk=chosen_id)


@require_http_methods(["GET", "POST"])
def retention_overview(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    organisation = _organisation(request, user)
    rules = schedules.schedule_for(organisation.pk)

    def save(form: ScheduleForm) -> HttpResponse:
        for kind, rule in form.rules().items():
            if rule != rules[kind]:
                services.schedule_set(
                    user=user, organisation=organisation, record_kind=kind, rule=rule
                )
        messages.success(request, "The retention schedule is saved")
        return redirect(f"{request.path}?organisation={organisation.pk}")

    today = timezone.localdate()
    closed = schedules.retention_of(schedules.closed_cases(organisation.pk))
    erased = Case.objects.filter(organisation=organisation, erased_at__isnull=False).order_by(
        "-erased_at"
    )[:50]
    return form_page(
        request,
        ScheduleForm(posted_data(request), rules=rules),
        save,
        template="decisions/retention/overview.html",
        organisation=organisation,
        rules=[(label, rules[kind]) for kind, label in RecordKind.choices],
        due=[item for item in closed if item.is_due(today)],
        held=[item for item in closed if item.hold is not None],
        upcoming=[item for item in closed if item.hold is None and item.due_on > today][:50],
        erased=erased,
        today=today,
    )


def _held_case(request: HttpRequest, case_id: UUID) -> Case:
    user = user_of(request)
    case = get_case_for(user, case_id)
    if not selectors.may_hold(user, case):
        raise Http404("No such page")
    return case


@require_http_methods(["GET", "POST"])
def hold_place(request: HttpRequest, case_id: UUID) -> HttpResponse:
    def place(case: Case, form: HoldForm) -> str:
        services.hold_place(user=user_of(request), case=case, reason=form.cleaned_data["reason"])
        return f"{case.reference} is on legal hold: it will not be erased"

    return _hold_page(request, case_id, HoldForm, place, "Place a legal hold on this case")


@require_http_methods(["GET", "POST"])
def hold_lift(request: HttpRequest, case_id: UUID) -> HttpResponse:
    def lift(case: Case, form: LiftForm) -> str:
        services.hold_lift(user=user_of(request), case=case)
        return f"The legal hold on {case.reference} is lifted"

    return _hold_page(request, case_id, LiftForm, lift, "Lift the legal hold on this case")


def _hold_page(
    request: HttpRequest,
    case_id: UUID,
    form_class: type[F],
    change: Callable[[Case, F], str],
    title: str,
) -> HttpResponse:
    """A legal hold's form: `change` places or lifts it and says what it did; then back to
    the retention page of the case's organisation."""
    case = _held_case(request, case_id)

    def done(form: F) -> HttpResponse:
        try:
            messages.success(request, change(case, form))
        except services.AlreadyHeld as held:
            messages.error(request, str(held))
        return redirect(f"{reverse('retention')}?organisation={case.organisation_id}")

    return form_page(
        request,
        form_class(posted_data(request)),
        done,
        template="decisions/case_form.html",
        case=case,
        title=title,
    )


def _person(request: HttpRequest, person_id: UUID) -> disclosure.DisclosureLog:
    user = user_of(request)
    person = selectors.person_for(user, person_id)
    if person is None or not selectors.may_see_disclosures(user, person):
        raise Http404("No such person")
    return disclosure.disclosure_log(person)


def disclosure_page(request: HttpRequest, person_id: UUID) -> HttpResponse:
    log = _person(request, person_id)
    entry = disclosure.record_produced(user_of(request), log, what="page")
    return render(request, "decisions/retention/disclosure_log.html", {"log": log, "entry": entry})


def disclosure_pdf(request: HttpRequest, person_id: UUID) -> HttpResponse:
    # WeasyPrint takes half a second to import: only when a PDF is asked for.
    from decisions.pdf.fetcher import render_pdf

    user = user_of(request)
    log = _person(request, person_id)
    entry = disclosure.record_produced(user, log, what="PDF")
    content = render_pdf(
        "pdf/disclosure_log.html",
        {
            "log": log,
            "title": "Disclosure log",
            "generated_at": timezone.localtime().strftime("%d %B %Y %H:%M"),
            "generated_by": user.display_name,
            "generated_by_username": user.get_username(),
            "copy_entry": entry,
        },
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="disclosure-log-{log.person.case.reference}-{file_stamp()}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


def disclosure_search(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    organisation = _organisation(request, user)
    form = DisclosureSearchForm(request.GET if "name" in request.GET else None)
    people = (
        selectors.people_matching(user, organisation.pk, form.cleaned_data["name"])[:100]
        if form.is_valid()
        else []
    )
    return render(
        request,
        "decisions/retention/disclosure_search.html",
        {"form": form, "people": people, "organisation": organisation, "searched": form.is_bound},
    )
