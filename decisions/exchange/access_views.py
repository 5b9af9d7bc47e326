"""The lead's page for who may see a case: restrict it, and name who may still see it."""

from typing import Any
from uuid import UUID

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from decisions.cases.selectors import get_case_for, may_manage_access
from decisions.exchange import access
from decisions.models import Case
from decisions.pages import form_page
from isg.accounts.models import User
from isg.accounts.roles import user_of
from isg.ui.fields import ModelMultipleChoiceField
from isg.ui.forms import form_helper, posted_data


class CaseAccessForm(forms.Form):
    restricted = forms.BooleanField(
        label="Restrict this case",
        help_text="Only the people named below, and the safeguarding leads, will see it, "
        "whatever their role. For example a colleague's own family, or a case in the news.",
        required=False,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grantees"] = ModelMultipleChoiceField(
            label="Who may see it",
            # People who can sign in: not API clients' service accounts, nor people who left.
            queryset=User.objects.filter(
                memberships__organisation=case.organisation_id, is_active=True
            )
            .distinct()
            .order_by("first_name", "last_name", "username"),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.helper = form_helper(
            Field.checkbox("restricted"),
            Field.checkboxes("grantees", legend_size=Size.SMALL),
            submit="Save who may see the case",
        )


@require_http_methods(["GET", "POST"])
def case_access(request: HttpRequest, case_id: UUID) -> HttpResponse:
    user = user_of(request)
    case = get_case_for(user, case_id)
    if not may_manage_access(user, case):
        raise Http404("No such page")
    granted = set(access.case_grantees(case))

    def save(form: CaseAccessForm) -> HttpResponse:
        chosen = set(form.cleaned_data["grantees"])
        access.case_access_set(
            user=user,
            case=case,
            restricted=form.cleaned_data["restricted"],
            grant=chosen - granted,
            revoke=granted - chosen,
        )
        messages.success(request, "Who may see the case is saved")
        return redirect("case_detail", case_id=case.pk)

    form = CaseAccessForm(
        posted_data(request),
        case=case,
        initial={"restricted": case.restricted, "grantees": list(granted)},
    )
    return form_page(
        request,
        form,
        save,
        template="decisions/case_form.html",
        case=case,
        title="Who may see this case",
    )
