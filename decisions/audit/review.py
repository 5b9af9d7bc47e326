"""The lead's review of the audit log: its filters, what a CSV row holds, and what the last
verification says about an entry. Only leads and admins of an organisation see its entries
(`decisions.audit.selectors`); reading these pages is not itself audited (docs/audit.md)."""

from __future__ import annotations

import datetime
import json
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone

from decisions.audit import selectors
from decisions.audit.record import record_export
from decisions.models import AuditEntry, AuditVerification, Case, Decision
from isg.accounts.models import Organisation, User
from isg.ui.fields import DateInputField
from isg.ui.formatting import DATE, date_time
from isg.ui.forms import form_helper

PAGE_SIZE = 50
# What a row of the list shows (decisions/templatetags/isg.py, audit_rows), read as named
# values_list rows: not the snapshot or the hashes, which are most of an entry's bytes.
LIST_COLUMNS = (
    "sequence", "created_at", "organisation_id", "actor_id", "actor_label", "action",
    "outcome", "actor__username", "actor__first_name", "actor__last_name", "case__reference",
)
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


WIDTH_20 = {"class": "govuk-input--width-20"}


class AuditFilterForm(forms.Form):
    """The review's filters. The page draws them with includes/get_form.html
    (isg.ui.gds_html: the GOV.UK markup without crispy-forms-gds's nested templates)."""

    organisation = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    case = forms.CharField(
        label="Case reference", max_length=40, required=False, widget=forms.TextInput(WIDTH_20)
    )
    user = forms.CharField(
        label="Username", max_length=150, required=False, widget=forms.TextInput(WIDTH_20)
    )
    action = forms.ChoiceField(
        choices=[("", "Any action"), *AuditEntry.Action.choices], required=False
    )
    outcome = forms.ChoiceField(
        choices=[("", "Any outcome"), *Decision.Outcome.choices], required=False
    )
    date_from = DateInputField(label="From", required=False, help_text="For example, 27 3 2026")
    date_to = DateInputField(label="To", required=False, help_text="For example, 28 3 2026")

    def __init__(self, data: QueryDict | None, *, organisations: list[Organisation]) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            ("", "All your organisations"),
            *[(organisation.pk, organisation.name) for organisation in organisations],
        ]
        if len(organisations) < 2:
            del self.fields["organisation"]
        self.helper = form_helper(submit=None)  # crispy-forms-gds's error summary reads it

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, typed Optional by django-stubs
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
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

    def describe(self) -> dict[str, Any]:
        """The filters in use, for the export's own audit entry."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}

    def labels(self) -> list[tuple[str, str]]:
        """The filters in use, as the page labels them, for the PDF extract's first page."""
        labels = []
        for name, value in self.describe().items():
            field = self.fields[name]
            choices = {str(key): label for key, label in getattr(field, "choices", []) or []}
            shown = value.strftime(DATE) if hasattr(value, "strftime") else choices.get(
                str(value), value
            )
            labels.append((str(field.label or name.replace("_", " ")).capitalize(), str(shown)))
        return labels


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def reviewable(user: User, query: QueryDict) -> tuple[QuerySet[AuditEntry], AuditFilterForm]:
    """The entries this user may review, filtered by the query's valid filters, and the form."""
    organisation_ids = selectors.audit_organisations_for(user)
    if not organisation_ids:
        raise Http404("No audit log for you here")
    # The form names the organisations only to choose between two or more.
    organisations = (
        list(Organisation.objects.filter(pk__in=organisation_ids))
        if len(organisation_ids) > 1
        else []
    )
    form = AuditFilterForm(query or None, organisations=organisations)
    return form.apply(selectors.audit_entries_for(user)), form


def chain_status(entry: AuditEntry, verification: AuditVerification | None) -> str:
    """What the last run of verify_audit says about this entry."""
    if verification is None:
        return "Not verified yet."
    when = date_time(verification.checked_at)
    failed = verification.failed_sequence
    if failed is not None and failed == entry.sequence:
        return f"Failed verification on {when}: {verification.message}."
    if failed is not None and failed < entry.sequence:
        return f"Not trusted: entry {failed}, before it, failed verification on {when}."
    if verification.since_sequence <= entry.sequence <= (verification.up_to_sequence or 0):
        return f"Checked and intact on {when}."
    return f"Not covered by the last verification ({when}); it will be checked by the next."


def neutralise(value: Any) -> str:
    """A CSV cell a spreadsheet will show as text, never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds")
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def record_filtered_export(
    user: User, form: AuditFilterForm, what: str, **details: Any
) -> AuditEntry:
    """The export's own audit entry, naming the filters of `form` (CSV and PDF alike)."""
    return record_export(
        user,
        organisation_ids=selectors.audit_organisations_for(user),
        chosen=(form.cleaned_data.get("organisation") if form.is_valid() else None) or None,
        what=what,
        filters=form.describe(),
        **details,
    )
