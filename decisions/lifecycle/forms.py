"""Forms for what happens after a decision is submitted: verdicts, answers, sharing, follow-ups."""

import datetime
from typing import Any, cast

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from decisions.lifecycle.selectors import follow_up_owners_for
from decisions.models import Approval, Decision, ShareRecord
from isg.accounts.models import User
from isg.ui.fields import date_input, radios, text_area, text_input, yes_or_no
from isg.ui.forms import TextAreasForm, cleaned_values, form_helper


class VerdictForm(forms.Form):
    verdict = radios(
        "Your verdict",
        choices=[
            (Approval.Verdict.APPROVED, "Approve: the information may be shared as recorded"),
            (Approval.Verdict.REJECTED, "Reject: nothing may be shared under this decision"),
            (Approval.Verdict.MORE_INFO, "Ask the practitioner for more information first"),
        ],
        error="Select approve, reject or ask for more information",
    )
    reasons = text_area(
        "Your reasons, or your question",
        help_text="Needed to reject (your reasons) or to ask for more information (your "
        "question). When you approve, an optional note for the record.",
        rows=4,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("verdict", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("reasons"),
            submit="Record your verdict",
        )

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, typed Optional by django-stubs
        cleaned = self.cleaned_data
        verdict, reasons = cleaned.get("verdict"), cleaned.get("reasons", "").strip()
        if verdict == Approval.Verdict.REJECTED and not reasons:
            self.add_error("reasons", "Give your reasons for rejecting the decision")
        if verdict == Approval.Verdict.MORE_INFO and not reasons:
            self.add_error("reasons", "Write your question for the practitioner")
        return cleaned


class AnswerForm(TextAreasForm):
    submit_label = "Send your answer"
    answer = text_area(
        "Your answer",
        help_text="The manager reads this with the decision record before giving a verdict.",
        rows=5,
        max_length=8000,
        error="Write your answer to the manager's question",
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class FollowUpFields(forms.Form):
    """A follow-up: what must happen, who will do it, by when."""

    follow_up_required = True

    action = text_area("What needs to happen?", max_length=2000, error="Say what needs to happen")
    owner = OwnerChoiceField(
        label="Who will do it?",
        queryset=None,
        empty_label="Choose someone",
        error_messages={"required": "Choose who will do it"},
    )
    due_on = date_input("By when?", error="Enter the date it is due")

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision = decision
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = follow_up_owners_for(decision.case)
        for name in ("action", "owner", "due_on"):
            self.fields[name].required = self.follow_up_required

    def follow_up_fields(self) -> list[Field]:
        return [Field.textarea("action"), Field.select("owner"), Field("due_on")]

    def clean_due_on(self) -> datetime.date | None:
        due_on = self.cleaned_data.get("due_on")
        if due_on and due_on < timezone.localdate():
            raise forms.ValidationError("The due date must be today or in the future")
        return due_on

    def follow_up(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("action"):
            return None
        return {"action": data["action"], "owner": data["owner"], "due_on": data["due_on"]}


class FollowUpForm(FollowUpFields):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(*self.follow_up_fields(), submit="Add follow-up")


class OptionalFollowUp(FollowUpFields):
    """A follow-up offered alongside another record: all three answers, or none."""

    follow_up_required = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].label = "Follow-up action (optional)"
        self.fields["action"].help_text = "Anything that must happen next. Leave blank if none."
        self.fields["owner"].label = "Who will do it?"
        self.fields["due_on"].label = "By when?"

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, typed Optional by django-stubs
        cleaned = self.cleaned_data
        given = [name for name in ("action", "owner", "due_on") if cleaned.get(name)]
        if given and not cleaned.get("action"):
            self.add_error("action", "Say what needs to happen, or leave the follow-up blank")
        if cleaned.get("action"):
            if not cleaned.get("owner") and "owner" not in self.errors:
                self.add_error("owner", "Choose who will do the follow-up")
            if not cleaned.get("due_on") and "due_on" not in self.errors:
                self.add_error("due_on", "Enter the date the follow-up is due")
        return cleaned


def _recorded(decision: Decision, step: str, field: str, default: str = "") -> str:
    return (decision.answers.get(step) or {}).get(field, default)


class SharedForm(OptionalFollowUp):
    field_order = ["what_was_shared", "shared_with", "shared_on", "method"]

    what_was_shared = text_area(
        "What did you share?",
        help_text="Exactly what was passed on. If it differs from the decision, say why.",
        rows=4,
        max_length=8000,
        error="Say what you shared",
    )
    shared_with = text_input(
        "Who did you share it with?",
        help_text="Name, role and agency.",
        max_length=400,
        error="Say who you shared it with",
    )
    shared_on = date_input("When did you share it?", error="Enter the date you shared it")
    method = radios(
        "How did you share it?", choices=ShareRecord.METHODS, error="Select how you shared it"
    )

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        items = decision.answers.get("items") or []
        kwargs.setdefault(
            "initial",
            {
                "what_was_shared": "\n".join(item["description"] for item in items),
                "shared_with": _recorded(decision, "recipients", "recipients"),
                "method": _recorded(decision, "recipients", "method"),
            },
        )
        super().__init__(*args, decision=decision, **kwargs)
        self.helper = form_helper(
            Field.textarea("what_was_shared"),
            Field.text("shared_with"),
            Field("shared_on"),
            Field.radios("method", legend_size=Size.SMALL),
            *self.follow_up_fields(),
            submit="Record what was shared",
        )

    def clean_shared_on(self) -> datetime.date:
        shared_on = self.cleaned_data["shared_on"]
        if shared_on > timezone.localdate():
            raise forms.ValidationError("The date you shared it must be today or in the past")
        return shared_on

    def share_fields(self) -> dict[str, Any]:
        return cleaned_values(self, "what_was_shared", "shared_with", "shared_on", "method")


class NotSharedForm(OptionalFollowUp):
    field_order = ["not_shared_reasons", "requester_told", "requester_told_how"]

    not_shared_reasons = text_area(
        "Why was the information not shared?",
        rows=4,
        max_length=8000,
        error="Give the reasons the information was not shared",
    )
    requester_told = yes_or_no(
        "Did you tell the requester why?", error="Select yes if you told the requester why"
    )
    requester_told_how = text_area(
        "How and when did you tell them? If you did not, why not?",
        error="Say how you told them, or why you did not",
    )

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"not_shared_reasons": _recorded(decision, "outcome", "refusal_reasons")}
        )
        super().__init__(*args, decision=decision, **kwargs)
        self.helper = form_helper(
            Field.textarea("not_shared_reasons"),
            Field.radios("requester_told", legend_size=Size.SMALL, inline=True),
            Field.textarea("requester_told_how"),
            *self.follow_up_fields(),
            submit="Record that you did not share",
        )

    def not_shared_fields(self) -> dict[str, Any]:
        return cleaned_values(self, "not_shared_reasons", "requester_told", "requester_told_how")
