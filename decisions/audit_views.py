"""The safeguarding lead's review of the audit log: list, entry, CSV export.

Only leads and admins of an organisation see its entries (selectors.audit_entries_for);
everyone else gets 404. Reading these pages is not itself written to the audit log: an
entry per page view would grow the log every time it is reviewed. Exports are recorded.
"""

import csv
import datetime
import json

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from decisions import audit, selectors
from decisions.fields import DateInputField
from decisions.models import AuditEntry, Case, Decision
from isg.accounts.models import Organisation, User
from isg.accounts.security import recent_auth_required

PAGE_SIZE = 50
CSV_CHUNK_SIZE = 2000
# Spreadsheets run cells starting with these as formulas (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = [
    ("sequence", "Sequence"),
    ("created_at", "When (UTC)"),
    ("actor__username", "User"),
    ("actor_label", "User label"),
    ("organisation__name", "Organisation"),
    ("action", "Action"),
    ("object_type", "Object type"),
    ("object_id", "Object id"),
    ("case__reference", "Case"),
    ("outcome", "Outcome"),
    ("snapshot", "Snapshot"),
    ("prev_hash", "Previous hash"),
    ("entry_hash", "Entry hash"),
    ("hmac", "HMAC"),
    ("key_id", "Key id"),
]


class AuditFilterForm(forms.Form):
    organisation = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    case = forms.CharField(label="Case reference", max_length=40, required=False)
    user = forms.CharField(label="Username", max_length=150, required=False)
    action = forms.ChoiceField(
        choices=[("", "Any action"), *AuditEntry.Action.choices], required=False
    )
    outcome = forms.ChoiceField(
        choices=[("", "Any outcome"), *Decision.Outcome.choices], required=False
    )
    date_from = DateInputField(label="From", required=False, help_text="For example, 27 3 2026")
    date_to = DateInputField(label="To", required=False, help_text="For example, 28 3 2026")

    def __init__(self, data, *, organisations: list[Organisation]):
        super().__init__(data)
        self.fields["organisation"].choices = [
            ("", "All your organisations"),
            *[(organisation.pk, organisation.name) for organisation in organisations],
        ]
        layout = [
            Field.text("case", field_width=20),
            Field.text("user", field_width=20),
            Field.select("action"),
            Field.select("outcome"),
            Field("date_from"),
            Field("date_to"),
            Button("filter", "Filter", css_class="govuk-button--secondary"),
        ]
        if len(organisations) < 2:
            del self.fields["organisation"]
        else:
            layout.insert(0, Field.select("organisation"))
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned

    def apply(self, entries: QuerySet) -> QuerySet:
        """The entries matching the valid filters (invalid ones are shown as errors, not used)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("organisation"):
            entries = entries.filter(organisation_id=data["organisation"])
        if data.get("case"):
            cases = Case.objects.filter(reference__iexact=data["case"].strip()).values("pk")
            entries = entries.filter(case__in=cases)
        if data.get("user"):
            name = data["user"].strip()
            # User ids first: an OR across a join would scan the log instead of two indexes.
            actors = list(User.objects.filter(username__iexact=name).values_list("pk", flat=True))
            entries = entries.filter(Q(actor_id__in=actors) | Q(actor_label__iexact=name))
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("outcome"):
            entries = entries.filter(outcome=data["outcome"])
        if data.get("date_from"):
            entries = entries.filter(created_at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            next_day = data["date_to"] + datetime.timedelta(days=1)
            entries = entries.filter(created_at__lt=_start_of(next_day))
        return entries

    def describe(self) -> dict:
        """The filters in use, for the export's own audit entry."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _reviewable(request: HttpRequest) -> tuple[QuerySet, AuditFilterForm]:
    organisation_ids = selectors.audit_organisations_for(request.user)
    if not organisation_ids:
        raise Http404("No audit log for you here")
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids))
    form = AuditFilterForm(request.GET or None, organisations=organisations)
    return form.apply(selectors.audit_entries_for(request.user)), form


def _position(request: HttpRequest, name: str) -> int | None:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if value > 0 else None


def audit_list(request: HttpRequest) -> HttpResponse:
    """Newest first, keyset-paginated on sequence: no OFFSET and no COUNT(*)."""
    entries, form = _reviewable(request)
    before, after = _position(request, "before"), _position(request, "after")
    rows = entries.select_related("actor", "organisation", "case")
    if after and not before:
        page = list(rows.filter(sequence__gt=after).order_by("sequence")[: PAGE_SIZE + 1])
        has_newer = len(page) > PAGE_SIZE
        page = page[:PAGE_SIZE][::-1]
        has_older = bool(page) and entries.filter(sequence__lt=page[-1].sequence).exists()
    else:
        if before:
            rows = rows.filter(sequence__lt=before)
        page = list(rows.order_by("-sequence")[: PAGE_SIZE + 1])
        has_older = len(page) > PAGE_SIZE
        page = page[:PAGE_SIZE]
        has_newer = bool(before) and entries.filter(sequence__gte=before).exists()

    kept = request.GET.copy()
    for name in ("before", "after"):
        kept.pop(name, None)
    filters = kept.urlencode()
    return render(
        request,
        "decisions/audit/list.html",
        {
            "form": form,
            "entries": page,
            "filters": filters,
            "filtered": bool(form.describe()),
            "older": page[-1].sequence if has_older else None,
            "newer": page[0].sequence if has_newer and page else None,
            "verification": audit.last_verification(),
        },
    )


def audit_detail(request: HttpRequest, sequence: int) -> HttpResponse:
    try:
        entry = (
            selectors.audit_entries_for(request.user)
            .select_related("actor", "organisation", "case")
            .get(sequence=sequence)
        )
    except AuditEntry.DoesNotExist as exc:
        raise Http404("No such audit entry") from exc
    verification = audit.last_verification()
    case_visible = bool(
        entry.case_id and selectors.cases_for(request.user).filter(pk=entry.case_id).exists()
    )
    return render(
        request,
        "decisions/audit/detail.html",
        {
            "entry": entry,
            "snapshot": json.dumps(entry.snapshot, indent=2, sort_keys=True, ensure_ascii=False),
            "verification": verification,
            "chain_status": _chain_status(entry, verification),
            "case_visible": case_visible,
        },
    )


def _chain_status(entry: AuditEntry, verification) -> str:
    """What the last run of verify_audit says about this entry."""
    if verification is None:
        return "Not verified yet."
    when = timezone.localtime(verification.checked_at).strftime("%-d %B %Y, %H:%M")
    failed = verification.failed_sequence
    if failed is not None and failed == entry.sequence:
        return f"Failed verification on {when}: {verification.message}."
    if failed is not None and failed < entry.sequence:
        return f"Not trusted: entry {failed}, before it, failed verification on {when}."
    if verification.since_sequence <= entry.sequence <= (verification.up_to_sequence or 0):
        return f"Checked and intact on {when}."
    return f"Not covered by the last verification ({when}); it will be checked by the next."


def neutralise(value) -> str:
    """A CSV cell a spreadsheet will show as text, never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds")
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def record_export(request: HttpRequest, form, what: str, **details) -> AuditEntry:
    """The audit entry for an export of the filtered log, written before the export is made."""
    organisation_ids = selectors.audit_organisations_for(request.user)
    chosen = (form.cleaned_data.get("organisation") if form.is_valid() else None) or None
    return audit.record(
        action=AuditEntry.Action.EXPORTED,
        actor=request.user,
        organisation=chosen or organisation_ids[0],
        snapshot={
            "what": what,
            "filters": form.describe(),
            "organisations": sorted(organisation_ids),
            **details,
        },
    )


@recent_auth_required  # exporting the log needs a password typed in the last 15 minutes
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered entries as CSV, streamed; the export itself is recorded first.

    Only entries older than the export's own entry are included, so the file is a
    consistent cut of the log however long it takes to download.
    """
    entries, form = _reviewable(request)
    if form.is_bound and not form.is_valid():
        return audit_list(request)  # show what is wrong; export nothing
    exported = record_export(request, form, "audit log CSV")
    rows = (
        entries.filter(sequence__lt=exported.sequence)
        .order_by("-sequence")
        .values_list(*[name for name, _ in CSV_COLUMNS])
        .iterator(chunk_size=CSV_CHUNK_SIZE)
    )
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([label for _, label in CSV_COLUMNS])
        for row in rows:
            yield writer.writerow([neutralise(value) for value in row])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
