from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

NOT_KNOWN = ("", "Not known")


class CompareForm(forms.Form):
    """One radio group per fact, each with "Not known" so that a fact can stay absent.

    The fields are built from ``comparison.compare_fields``; a GET form, so results can be
    linked to.
    """

    def __init__(self, *args: Any, questions: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[q["name"]] = forms.ChoiceField(
                label=q["question"],
                choices=[*q["choices"], NOT_KNOWN],
                required=False,
                initial="",
                error_messages={"invalid_choice": f"Choose an answer to: {q['question']}"},
            )

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data, typed Optional by django-stubs
        cleaned = self.cleaned_data
        if cleaned.get("consent_not_sought_reason") and cleaned.get("consent") != "not_sought":
            self.add_error(
                "consent_not_sought_reason",
                "Give a reason only if the child or family have not been asked: choose "
                "“They have not been asked” above, or “Not known” here",
            )
        return cleaned

    def facts(self) -> dict[str, object]:
        """The answered facts, typed for the engine (yes/no as booleans)."""
        facts: dict[str, object] = {}
        for name, value in self.cleaned_data.items():
            if value in ("", None):
                continue
            facts[name] = {"true": True, "false": False}.get(value, value)
        return facts

    def rows(self) -> list[dict[str, Any]]:
        """What the template needs per question: the bound field and its choices."""
        rows = []
        for q in self.questions:
            bound = self[q["name"]]
            value = bound.value() if self.is_bound else ""
            rows.append(
                {
                    **q,
                    "field": bound,
                    "value": "" if value is None else str(value),
                    "options": [*q["choices"], NOT_KNOWN],
                }
            )
        return rows


def is_submitted(data: Mapping[str, Any], names: list[str]) -> bool:
    return "compare" in data or any(name in data for name in names)
