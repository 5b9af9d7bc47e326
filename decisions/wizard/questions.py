"""The framework's questions as one-question forms, and the choice of framework."""

from typing import Any, cast

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.datastructures import MultiValueDict

from decisions.wizard.forms import wizard_helper
from guidance import catalogue, engine

BOOL_VALUES = {"true": True, "false": False}


class AnswerForm(forms.Form):
    """A one-question form; `fact_value()` is the answer as the engine's fact value."""

    def fact_value(self) -> object:
        raise NotImplementedError


def question_form(
    question: dict[str, Any],
    kind: engine.FactType,
    data: MultiValueDict | None = None,
    initial: dict[str, Any] | None = None,
) -> AnswerForm:
    """A one-question form for a framework question; the question is the page's h1."""

    class QuestionForm(AnswerForm):
        answer = forms.ChoiceField(
            label=question["text"],
            help_text=question.get("hint", ""),
            choices=list(question["answers"].items()),
            widget=forms.RadioSelect,
            error_messages={"required": "Select an answer", "invalid_choice": "Select an answer"},
        )

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # The page draws the radios itself (question.html, isg.ui.gds_html); the error
            # summary reads the helper.
            self.helper = wizard_helper()

        def fact_value(self) -> object:
            value = self.cleaned_data["answer"]
            return BOOL_VALUES[value] if kind is bool else value

    return QuestionForm(data=data, initial=initial)


class FrameworkForm(forms.Form):
    framework = forms.ChoiceField(
        label="Which guidance applies?",
        help_text="Your organisation's usual framework is selected. Change it only if another "
        "jurisdiction's rules apply to this request.",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the guidance that applies"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["framework"]).choices = catalogue.choices()
        self.helper = wizard_helper(
            Field.radios("framework", legend_size=Size.LARGE, legend_tag="h1")
        )
