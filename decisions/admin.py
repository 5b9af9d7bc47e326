from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from decisions.cases.selectors import cases_for
from decisions.models import (
    Approval,
    AuditEntry,
    Case,
    Decision,
    FollowUp,
    InfoResponse,
    Person,
    ShareRecord,
    ShareRequest,
)
from isg.accounts.models import Role
from isg.accounts.roles import organisations_where, user_of
from isg.ui.admin import ReadOnlyAdminMixin


class CaseScopedAdmin(SimpleHistoryAdmin):
    """Admins see case content only for cases their other roles let them read.

    What places a row (a case's organisation, a person's or request's case) is read-only once
    the row is saved: its decisions, audit entries and requests name that place, and they are
    never rewritten.
    """

    case_path = "case"
    fixed_once_saved: tuple[str, ...] = ("case",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fixed = self.fixed_once_saved if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if self.case_path:
            return queryset.filter(**{f"{self.case_path}__in": cases_for(user_of(request))})
        return queryset.filter(pk__in=cases_for(user_of(request)).values("pk"))


@admin.register(Case)
class CaseAdmin(CaseScopedAdmin):
    case_path = ""
    list_display = ["reference", "organisation", "is_closed", "created_at"]
    list_filter = ["organisation", "is_closed"]
    search_fields = ["reference"]
    filter_horizontal = ["assigned"]
    fixed_once_saved = ("organisation",)


@admin.register(Person)
class PersonAdmin(CaseScopedAdmin):
    list_display = ["case", "relationship", "protect_identity"]
    list_filter = ["relationship", "protect_identity"]


@admin.register(ShareRequest)
class ShareRequestAdmin(CaseScopedAdmin):
    list_display = ["case", "direction", "counterpart_agency", "status", "due_on"]
    list_filter = ["direction", "status", "urgency"]


class ReadOnlyLeadScopedAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Append-only records: nobody adds, changes or deletes them here, superusers included.

    Scoped to the organisations where the user is a safeguarding lead.
    """

    organisation_path = "organisation_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        leading = organisations_where(user_of(request), (Role.LEAD,))
        return super().get_queryset(request).filter(**{f"{self.organisation_path}__in": leading})


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyLeadScopedAdmin):
    list_display = ["sequence", "created_at", "actor_label", "organisation", "action", "case"]
    list_filter = ["action"]
    search_fields = ["=sequence", "actor_label"]
    list_select_related = ["organisation", "case"]
    show_full_result_count = False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyLeadScopedAdmin):
    list_display = ["case", "outcome", "framework", "framework_version", "decided_at"]
    list_filter = ["outcome", "framework"]
    list_select_related = ["case"]


# Verdicts, answers and share records are written once, through the services (which check who
# may approve what and write the audit entry): never through the admin, not even by superusers.
@admin.register(Approval)
class ApprovalAdmin(ReadOnlyLeadScopedAdmin):
    organisation_path = "decision__organisation_id"
    list_display = ["decision", "verdict", "approver", "created_at"]
    list_filter = ["verdict"]
    list_select_related = ["decision", "decision__case", "approver"]


@admin.register(InfoResponse)
class InfoResponseAdmin(ReadOnlyLeadScopedAdmin):
    organisation_path = "decision__organisation_id"
    list_display = ["decision", "answered_by", "created_at"]
    list_select_related = ["decision", "decision__case", "answered_by"]


@admin.register(ShareRecord)
class ShareRecordAdmin(ReadOnlyLeadScopedAdmin):
    organisation_path = "decision__organisation_id"
    list_display = ["decision", "shared", "shared_on", "recorded_by", "recorded_at"]
    list_filter = ["shared"]
    list_select_related = ["decision", "decision__case", "recorded_by"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdminMixin, CaseScopedAdmin):
    """Read-only: adding and completing follow-ups is audited, so it happens in the app."""

    list_display = ["case", "owner", "due_on", "done_at"]
    list_select_related = ["case", "owner"]
