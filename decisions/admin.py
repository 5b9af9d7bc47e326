from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from decisions.models import AuditEntry, Case, Decision, Person, ShareRequest
from decisions.selectors import cases_for
from isg.accounts.models import Role
from isg.accounts.roles import organisations_where


class CaseScopedAdmin(SimpleHistoryAdmin):
    """Admins see case content only for cases their other roles let them read."""

    case_path = "case"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.case_path:
            return queryset.filter(**{f"{self.case_path}__in": cases_for(request.user)})
        return queryset.filter(pk__in=cases_for(request.user).values("pk"))


@admin.register(Case)
class CaseAdmin(CaseScopedAdmin):
    case_path = ""
    list_display = ["reference", "organisation", "is_closed", "created_at"]
    list_filter = ["organisation", "is_closed"]
    search_fields = ["reference"]
    filter_horizontal = ["assigned"]


@admin.register(Person)
class PersonAdmin(CaseScopedAdmin):
    list_display = ["case", "relationship", "protect_identity"]
    list_filter = ["relationship", "protect_identity"]


@admin.register(ShareRequest)
class ShareRequestAdmin(CaseScopedAdmin):
    list_display = ["case", "direction", "counterpart_agency", "status", "due_on"]
    list_filter = ["direction", "status", "urgency"]


class ReadOnlyLeadScopedAdmin(admin.ModelAdmin):
    """Append-only records: nobody adds, changes or deletes them here, superusers included.

    Scoped to the organisations where the user is a safeguarding lead.
    """

    def get_queryset(self, request):
        leading = organisations_where(request.user, (Role.LEAD,))
        return super().get_queryset(request).filter(organisation_id__in=leading)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
