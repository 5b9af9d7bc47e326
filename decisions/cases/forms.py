"""Forms for cases, the people connected to them, and share requests."""

from typing import Any, cast

from crispy_forms_gds.layout import Field, Size
from django import forms

from decisions.models import Case, Person, RecordKind, ShareRequest
from isg.accounts.models import Organisation, Role, User
from isg.ui.fields import DateInputField, ModelMultipleChoiceField, text_area, text_input
from isg.ui.forms import form_helper


def _practitioners_of(organisation: Organisation) -> ModelMultipleChoiceField:
    return ModelMultipleChoiceField(
        label="Practitioners assigned",
        help_text="Only they, managers and safeguarding leads can see the case.",
        queryset=User.objects.filter(
            memberships__organisation=organisation, memberships__role=Role.PRACTITIONER
        )
        .distinct()
        .order_by("first_name", "last_name", "username"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


RECORD_KIND_HELP = (
    "Sets how long the case is kept once it closes: your safeguarding lead's retention "
    "schedule says how long for each kind."
)


class CaseForm(forms.Form):
    reference = text_input(
        "Reference",
        help_text="Your organisation's reference. Do not use the child's name.",
        max_length=40,
        error="Enter a case reference",
    )
    child_name = text_input(
        "Child or young person's name",
        help_text="Kept with the case and never shown outside your organisation.",
        max_length=200,
        required=False,
    )
    child_date_of_birth = DateInputField(
        label="Child's date of birth", required=False, help_text="For example, 27 3 2014"
    )
    summary = text_area(
        "Summary",
        help_text="Why the case is open, in a sentence or two.",
        rows=4,
        max_length=2000,
        required=False,
    )

    record_kind = forms.ChoiceField(
        label="Kind of record",
        choices=RecordKind.choices,
        initial=RecordKind.CHILD_PROTECTION,
        required=False,
        widget=forms.RadioSelect,
        help_text=RECORD_KIND_HELP,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["assigned"] = _practitioners_of(organisation)
        self.helper = form_helper(
            Field.text("reference", field_width=20),
            Field.text("child_name"),
            Field("child_date_of_birth"),
            Field.textarea("summary"),
            Field.radios("record_kind", legend_size=Size.SMALL),
            Field.checkboxes("assigned", legend_size=Size.SMALL),
            submit="Create case",
        )

    def clean_record_kind(self) -> str:
        return self.cleaned_data.get("record_kind") or RecordKind.CHILD_PROTECTION

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if Case.objects.filter(organisation=self.organisation, reference=reference).exists():
            raise forms.ValidationError("A case with this reference already exists")
        return reference


class CaseEditForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["reference", "summary", "record_kind", "assigned", "is_closed"]
        labels = {"is_closed": "The case is closed"}
        widgets = {"record_kind": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned"] = _practitioners_of(self.instance.organisation)
        self.fields["reference"].error_messages["required"] = "Enter a case reference"
        # Left out of a post, the kind stays as it was.
        self.fields["record_kind"].required = False
        self.fields["record_kind"].help_text = RECORD_KIND_HELP
        self.helper = form_helper(
            Field.text("reference", field_width=20),
            Field.textarea("summary"),
            Field.radios("record_kind", legend_size=Size.SMALL),
            Field.checkboxes("assigned", legend_size=Size.SMALL),
            Field.checkbox("is_closed"),
        )

    def clean_record_kind(self) -> str:
        return self.cleaned_data.get("record_kind") or self.instance.record_kind

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        clash = Case.objects.filter(
            organisation=self.instance.organisation, reference=reference
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("A case with this reference already exists")
        return reference


class PersonForm(forms.ModelForm):
    date_of_birth = DateInputField(
        label="Date of birth", required=False, help_text="For example, 27 3 2014"
    )

    class Meta:
        model = Person
        fields = ["name", "relationship", "date_of_birth", "notes", "protect_identity"]
        labels = {
            "relationship": "Who they are to the child",
            "protect_identity": "Protect this person's identity",
        }
        help_texts = {"notes": "Anything a colleague needs to know about them."}
        error_messages = {
            "name": {"required": "Enter the person's name"},
            "relationship": {"required": "Select who they are to the child"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("name"),
            Field.select("relationship"),
            Field("date_of_birth"),
            Field.textarea("notes"),
            Field.checkbox("protect_identity"),
            submit="Add person",
        )


class ShareRequestForm(forms.ModelForm):
    received_on = DateInputField(label="Received on", help_text="For example, 27 3 2026")
    due_on = DateInputField(
        label="Answer due by", required=False, help_text="Leave blank if no date was given."
    )

    class Meta:
        model = ShareRequest
        fields = [
            "direction",
            "counterpart_agency",
            "counterpart_contact",
            "counterpart_role",
            "purpose",
            "information_requested",
            "urgency",
            "received_on",
            "due_on",
        ]
        widgets = {
            "direction": forms.RadioSelect,
            "urgency": forms.RadioSelect,
        }
        error_messages = {
            "direction": {"required": "Select whether the request is incoming or outgoing"},
            "counterpart_agency": {"required": "Enter the agency"},
            "counterpart_contact": {"required": "Enter who to contact"},
            "counterpart_role": {"required": "Enter their role"},
            "purpose": {"required": "Enter why the information is needed"},
            "information_requested": {"required": "Enter what information is asked for"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["urgency"]).choices = ShareRequest.URGENCIES
        self.helper = form_helper(
            Field.radios("direction", legend_size=Size.SMALL),
            Field.text("counterpart_agency"),
            Field.text("counterpart_contact"),
            Field.text("counterpart_role"),
            Field.textarea("purpose"),
            Field.textarea("information_requested"),
            Field.radios("urgency", legend_size=Size.SMALL),
            Field("received_on"),
            Field("due_on"),
            submit="Open request",
        )

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, typed Optional by django-stubs
        cleaned = self.cleaned_data
        received, due = cleaned.get("received_on"), cleaned.get("due_on")
        if received and due and due < received:
            self.add_error("due_on", "The due date must be on or after the date received")
        return cleaned
