"""Forms for asking, taking, answering, telling, filing, correcting and complaints."""

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from decisions.cases.selectors import cases_writable_by
from decisions.models import Case, ShareRequest
from isg.accounts.models import Organisation, User
from isg.ui.fields import date_input, radios, text_area, text_input, yes_or_no
from isg.ui.forms import TextAreasForm, cleaned_values, form_helper

NEW_CASE = "new"


class OrganisationChoiceForm(forms.Form):
    """A choice among directory organisations, by id, without trusting the id's size."""

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(org.pk): org for org in organisations}
        self.fields["to_organisation"] = radios(
            "Which organisation?",
            choices=[(pk, org.name) for pk, org in self.organisations.items()],
            error="Select an organisation",
        )

    def organisation(self) -> Organisation:
        return self.organisations[self.cleaned_data["to_organisation"]]


class AskForm(OrganisationChoiceForm):
    purpose = text_area(
        "Why do you need the information?",
        rows=4,
        error="Enter why the information is needed",
    )
    information_requested = text_area(
        "What information are you asking for?",
        help_text="As specifically as you can. Do not include names they do not need.",
        rows=4,
        error="Enter what information you are asking for",
    )
    urgency = forms.ChoiceField(
        choices=ShareRequest.URGENCIES,
        widget=forms.RadioSelect,
        initial="routine",
        error_messages={"required": "Select how urgent it is"},
    )
    due_on = date_input("Answer needed by", error="Enter the date an answer is needed by")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("to_organisation", legend_size=Size.SMALL),
            Field.textarea("purpose"),
            Field.textarea("information_requested"),
            Field.radios("urgency", legend_size=Size.SMALL),
            Field("due_on"),
            submit="Send the request",
        )

    def clean_due_on(self) -> Any:
        due = self.cleaned_data["due_on"]
        if due < timezone.localdate():
            raise forms.ValidationError("The date an answer is needed by must be today or later")
        return due

    def request_fields(self) -> dict[str, Any]:
        """What the asking service takes besides the organisation."""
        return cleaned_values(self, "purpose", "information_requested", "urgency", "due_on")


class CaseChoiceForm(forms.Form):
    """One of the user's own cases at `organisation` (the side that received), or a new case
    with a reference."""

    submit_label = "Continue"

    def __init__(self, *args: Any, user: User, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        cases = cases_writable_by(user).filter(organisation=organisation)
        self.cases = {str(case.pk): case for case in cases}
        self.fields["case"] = radios(
            "Which of your cases is it about?",
            choices=[*((pk, case.reference) for pk, case in self.cases.items()),
                     (NEW_CASE, "A new case")],
            error="Select a case, or a new case",
        )
        self.fields["new_reference"] = text_input(
            "Reference for the new case",
            help_text="Your organisation's reference. Do not use the child's name.",
            max_length=40,
            required=False,
        )
        self.helper = form_helper(
            Field.radios("case", legend_size=Size.SMALL),
            Field.text("new_reference", field_width=20),
            submit=self.submit_label,
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        reference = cleaned.get("new_reference", "").strip()
        if cleaned.get("case") == NEW_CASE:
            if not reference:
                self.add_error("new_reference", "Enter a reference for the new case")
            elif Case.objects.filter(organisation=self.organisation, reference=reference).exists():
                self.add_error("new_reference", "A case with this reference already exists")
        return cleaned

    def chosen(self) -> dict[str, Any]:
        """The service's case arguments: an existing case, or a new case's reference."""
        choice = self.cleaned_data["case"]
        if choice == NEW_CASE:
            return {"case": None, "new_reference": self.cleaned_data["new_reference"]}
        return {"case": self.cases[choice]}


class TakeForm(CaseChoiceForm):
    submit_label = "Take the request"


class FileForm(CaseChoiceForm):
    submit_label = "File it to this case"


class RefusalAnswerForm(forms.Form):
    reasons = text_area(
        "Your reasons for not sharing",
        help_text="The organisation that asked reads these words.",
        rows=5,
        error="Write your reasons for not sharing",
    )
    may_ask_again = yes_or_no(
        "May they ask again?",
        yes="Yes, if something changes",
        error="Select whether they may ask again",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.textarea("reasons"),
            Field.radios("may_ask_again", legend_size=Size.SMALL),
            submit="Send the answer",
        )


class ConfirmForm(forms.Form):
    def __init__(self, *args: Any, submit: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit=submit)


class TellForm(OrganisationChoiceForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("to_organisation", legend_size=Size.SMALL),
            submit="Deliver the information",
        )


class CorrectionForm(TextAreasForm):
    submit_label = "Record the correction"
    correction = text_area(
        "What was wrong, and what is right",
        help_text="The original stays as it was; this is shown beside it to every recipient.",
        rows=5,
        error="Write the correction",
    )


class ComplaintForm(forms.Form):
    made_by = text_input(
        "Who complained",
        help_text="Their role, for example the child's parent. Not their name.",
        max_length=200,
        error="Enter who complained",
    )
    received_on = date_input("Received on", error="Enter the date the complaint was received")
    details = text_area(
        "The complaint",
        rows=5,
        error="Enter the complaint",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("made_by"),
            Field("received_on"),
            Field.textarea("details"),
            submit="Record the complaint",
        )

