from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from decisions.models import Case, Person, ShareRequest
from decisions.selectors import cases_for


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
