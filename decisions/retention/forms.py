"""Forms for the lead's retention page, legal holds and the disclosure search."""

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from decisions.models import RecordKind, RetentionBasis
from decisions.retention.schedules import Rule
from isg.ui.fields import text_area, text_input
from isg.ui.forms import TextAreasForm, form_helper


class ScheduleForm(forms.Form):
    """How long each kind of record is kept: a basis and a number of years per kind."""

    def __init__(self, *args: Any, rules: dict[str, Rule], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fieldsets = []
        for kind, label in RecordKind.choices:
            self.fields[f"{kind}_basis"] = forms.ChoiceField(
                label="Counted from",
                choices=RetentionBasis.choices,
                initial=rules[kind].basis,
                widget=forms.RadioSelect,
            )
            self.fields[f"{kind}_years"] = forms.IntegerField(
                label="Years",
                min_value=1,
                max_value=120,
                initial=rules[kind].years,
                error_messages={
                    "required": f"Enter how many years {label.lower()} records are kept",
                    "min_value": "Enter a number of years from 1 to 120",
                    "max_value": "Enter a number of years from 1 to 120",
                    "invalid": "Enter the number of years as a whole number, like 7",
                },
            )
            fieldsets.append(
                Fieldset(
                    Field.radios(f"{kind}_basis", legend_size=Size.SMALL, inline=True),
                    Field.text(f"{kind}_years", field_width=3),
                    legend=str(label),
                    legend_size=Size.MEDIUM,
                )
            )
        self.helper = form_helper(*fieldsets, submit="Save the schedule")

    def rules(self) -> dict[str, Rule]:
        return {
            kind: Rule(self.cleaned_data[f"{kind}_basis"], self.cleaned_data[f"{kind}_years"])
            for kind in RecordKind.values
        }


class HoldForm(TextAreasForm):
    submit_label = "Place the legal hold"
    reason = text_area(
        "Why the case must be kept",
        help_text="For example the proceedings or the inquiry it is kept for. Do not name "
        "the child or family.",
        max_length=1000,
        error="Enter why the case must be kept",
    )


class LiftForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit="Lift the legal hold")


class DisclosureSearchForm(forms.Form):
    name = text_input(
        "Name of the person",
        help_text="Part of the name is enough. Only your organisation's cases are searched.",
        max_length=200,
        error="Enter a name to search for",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page draws the <form method="get">: a search is not a change.
        self.helper = form_helper(
            Field.text("name", field_width=20), submit="Search", form_tag=False
        )
