"""Forms for the decision wizard's record steps.

The framework questions are in `questions`; the record steps (consent details, what to
share, recipients, checklist, lawful basis, advice, outcome) are the same for every
framework, and the engine's `must_record` says which of their fields are required.
"""

from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Size
from django import forms

from decisions.models import Decision, ShareRecord
from isg.ui.fields import radios, text_area, text_input
from isg.ui.forms import form_helper


def wizard_helper(*fields: Any) -> FormHelper:
    """Wizard pages draw their own <form> and buttons (Continue, Add another item)."""
    return form_helper(*fields, submit=None, form_tag=False)


class RecordForm(forms.Form):
    """A record step. `required` names the record fields the engine says must be recorded."""

    record_fields: dict[str, str] = {}  # record field -> form field
    always_required: tuple[str, ...] = ()

    def __init__(
        self,
        *args: Any,
        required: set[str] | frozenset[str] = frozenset(),
        context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.context = context or {}
        for record_field, form_field in self.record_fields.items():
            if form_field in self.fields:
                self.fields[form_field].required = record_field in required
        for name in self.always_required:
            self.fields[name].required = True
        self.setup()

    def setup(self) -> None:
        pass


class DangerForm(RecordForm):
    action_taken = text_area(
        "What did you do?",
        help_text="For example: called the police on 999 at 14:20, incident number 1234; "
        "the child is with a safe adult.",
        rows=4,
        error="Describe what you did to keep them safe",
    )
    contacted = text_input("Who did you contact?", max_length=300, error="Enter who you contacted")
    reference = text_input("Reference number (optional)", max_length=100, required=False)
    always_required = ("action_taken", "contacted")

    def setup(self) -> None:
        self.helper = wizard_helper(
            Field.textarea("action_taken"), Field.text("contacted"), Field.text("reference")
        )


class ConsentForm(RecordForm):
    record_fields = {
        "consent_reason": "consent_explanation",
        "not_informed_reason": "not_informed_reason",
        "child_views": "child_views",
    }
    consent_explanation = text_area(
        "Why was consent not sought?",
        help_text="Explain in your own words, for this child.",
        required=False,
        error="Explain why consent was not sought",
    )
    not_informed_reason = text_area(
        "Why were the child and carers not told?",
        help_text="For example, telling the carer could put the child at greater risk.",
        required=False,
        error="Explain why they were not told",
    )
    child_views = text_area(
        "What are the child's own views?",
        help_text="In their words where you can. Say if you could not ask them, and why.",
        required=False,
        error="Record the child's views, or why they could not be sought",
    )

    def setup(self) -> None:
        shown = {
            "consent_explanation": self.fields["consent_explanation"].required
            or self.context.get("consent_not_sought"),
            "not_informed_reason": self.fields["not_informed_reason"].required
            or self.context.get("not_informed"),
        }
        for name, show in shown.items():
            if not show:
                del self.fields[name]
        self.helper = wizard_helper(*(Field.textarea(name) for name in self.fields))


class ItemForm(forms.Form):
    description = text_area(
        "Information to share",
        help_text="One fact or document per item: rarely the whole file.",
        rows=2,
        max_length=2000,
        required=False,
    )
    justification = text_area(
        "Why it is needed",
        help_text="How this item serves the purpose of sharing.",
        rows=2,
        max_length=2000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, typed Optional by django-stubs
        cleaned = self.cleaned_data
        if cleaned.get("description") and not cleaned.get("justification"):
            self.add_error("justification", "Say why this item is needed")
        if cleaned.get("justification") and not cleaned.get("description"):
            self.add_error("description", "Describe the information, or clear both boxes")
        return cleaned


class BaseItemFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, required: bool = False, **kwargs: Any) -> None:
        self.items_required = required
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        if any(self.errors):
            return
        if self.items_required and not self.items():
            raise forms.ValidationError("Add at least one item of information and why it is needed")

    def items(self) -> list[dict[str, str]]:
        return [
            {
                "description": f.cleaned_data["description"],
                "justification": f.cleaned_data["justification"],
            }
            for f in self.forms
            if f.cleaned_data.get("description")
        ]


# formset_factory builds a subclass of `formset`; django-stubs types it as the plain base.
ItemFormSet = cast(
    type[BaseItemFormSet],
    forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=1, max_num=50),
)

class RecipientsForm(RecordForm):
    record_fields = {"recipients": "recipients", "method": "method"}
    recipients = text_area(
        "Who will receive the information?",
        help_text="Name, role and agency of each person. Share only with those who need it.",
        max_length=2000,
        required=False,
        error="Enter who will receive the information",
    )
    method = radios(
        "How will you share it?",
        choices=ShareRecord.METHODS,
        required=False,
        error="Select how you will share it",
    )
    method_detail = text_input(
        "Details (optional)",
        help_text="For example the secure email address or the meeting date.",
        max_length=300,
        required=False,
    )

    def setup(self) -> None:
        self.helper = wizard_helper(
            Field.textarea("recipients"),
            Field.radios("method", legend_size=Size.SMALL),
            Field.text("method_detail"),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, typed Optional by django-stubs
        cleaned = self.cleaned_data
        if cleaned.get("method") == "other" and not cleaned.get("method_detail"):
            self.add_error("method_detail", "Say how you will share it")
        return cleaned


CHECKLIST = [
    ("necessary", "Necessary for the purpose"),
    ("proportionate", "Proportionate to the need and the risk"),
    ("relevant", "Relevant: only what bears on the purpose"),
    ("adequate", "Adequate: enough to be understood and relied on"),
    ("accurate", "Accurate and up to date, fact told apart from opinion"),
    ("timely", "Timely: shared when it can still help"),
    ("secure", "Secure: sent and kept safely"),
]


class ProportionalityForm(RecordForm):
    record_fields = {"proportionality": "checks"}
    checks = forms.MultipleChoiceField(
        label="Check what you will share",
        help_text="Tick each point that holds. If one does not, say why below.",
        choices=CHECKLIST,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"required": "Tick the points that hold for what you will share"},
    )
    gaps = text_area("Points that do not hold, and why you will still share", required=False)

    def setup(self) -> None:
        self.helper = wizard_helper(
            Field.checkboxes("checks", legend_size=Size.LARGE, legend_tag="h1"),
            Field.textarea("gaps"),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, typed Optional by django-stubs
        cleaned = self.cleaned_data
        ticked = set(cleaned.get("checks") or [])
        if self.fields["checks"].required and ticked and len(ticked) < len(CHECKLIST):
            if not cleaned.get("gaps"):
                self.add_error("gaps", "Say why you will share although not every point holds")
        return cleaned


class LawfulBasisForm(RecordForm):
    record_fields = {"lawful_basis": "lawful_basis"}
    lawful_basis = radios(
        "What is your lawful basis for sharing?", required=False, error="Select the lawful basis"
    )
    lawful_basis_note = text_area(
        "Anything to add (optional)",
        rows=2,
        max_length=2000,
        required=False,
    )

    def setup(self) -> None:
        cast(forms.ChoiceField, self.fields["lawful_basis"]).choices = [
            (basis["code"], basis["label"]) for basis in self.context.get("lawful_bases", [])
        ]
        self.helper = wizard_helper(
            Field.radios("lawful_basis", legend_size=Size.LARGE, legend_tag="h1"),
            Field.textarea("lawful_basis_note"),
        )


class AdviceForm(RecordForm):
    record_fields = {"advice": "advice_from"}
    advice_from = text_input(
        "Who gave advice?",
        help_text="Name and role, for example your manager or the designated safeguarding lead.",
        max_length=300,
        required=False,
        error="Enter who gave advice",
    )
    advice_on = forms.DateField(
        label="When (optional)",
        help_text="For example, 20/11/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"],
        required=False,
        error_messages={"invalid": "Enter the date as day/month/year, for example 20/11/2026"},
    )
    advice_given = text_area("What did they advise?", required=False, error="Summarise the advice")

    def setup(self) -> None:
        self.fields["advice_given"].required = self.fields["advice_from"].required
        self.helper = wizard_helper(
            Field.text("advice_from"),
            Field.text("advice_on", field_width=10),
            Field.textarea("advice_given"),
        )


class OutcomeForm(RecordForm):
    # Refusal reasons depend on the outcome chosen on this very form: see clean().
    record_fields = {"rationale": "rationale", "follow_up": "follow_up"}
    outcome = radios(
        "What have you decided?",
        choices=Decision.Outcome.choices,
        error="Select what you have decided",
    )
    rationale = text_area(
        "Why? Your reasons for the decision",
        help_text="Set out the facts you weighed and why they led here. Others will rely on it.",
        rows=5,
        max_length=8000,
        error="Give your reasons for the decision",
    )
    override_reason = text_area(
        "Why does your decision differ from the recommendation?",
        required=False,
    )
    refusal_reasons = text_area(
        "Reasons for not sharing, as you would give them to the requester",
        required=False,
        error="Give the reasons for not sharing",
    )
    follow_up = text_area(
        "Follow-up action (optional)",
        help_text="Anything that must happen next, and who will do it.",
        rows=2,
        required=False,
        error="Say what follow-up action is needed",
    )
    always_required = ("outcome", "rationale")

    def setup(self) -> None:
        self.helper = wizard_helper(
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("rationale"),
            Field.textarea("override_reason"),
            Field.textarea("refusal_reasons"),
            Field.textarea("follow_up"),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, typed Optional by django-stubs
        cleaned = self.cleaned_data
        outcome = cleaned.get("outcome")
        recommendation = self.context.get("recommendation")
        differs = outcome and recommendation not in (None, "act_now") and outcome != recommendation
        if differs and not cleaned.get("override_reason"):
            self.add_error(
                "override_reason",
                "Explain why your decision differs from the recommendation",
            )
        if outcome == Decision.Outcome.DO_NOT_SHARE and not cleaned.get("refusal_reasons"):
            self.add_error("refusal_reasons", "Give the reasons for not sharing")
        return cleaned
