"""Form fields shared by the apps' forms."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from crispy_forms_gds import fields as gds
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

MAX_ID = 2**63 - 1  # a signed 64-bit integer: the largest id either database stores


class DateInputField(gds.DateInputField):
    """GOV.UK day/month/year date input that also refuses absurd numbers.

    crispy-forms-gds turns a ValueError from `date()` into a validation error, but a day,
    month or year too big for a C int raises OverflowError, which would be a 500.
    """

    def compress(self, data_list: Any) -> date | None:
        try:
            return super().compress(data_list)
        except OverflowError:
            raise ValidationError("Enter a real date", code="invalid") from None


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids that are not whole numbers in the database's range before querying.

    Without this, an id such as 2**63 reaches the database driver, which raises
    OverflowError (SQLite) or DataError (PostgreSQL): a 500 instead of a form error.
    """

    def _check_values(self, value: Iterable[Any]) -> QuerySet[Any]:
        for pk in value:
            text = str(pk).strip()
            if not text.isdigit() or not text.isascii() or int(text) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private: not in django-stubs


def text_input(
    label: str,
    *,
    help_text: str = "",
    max_length: int,
    required: bool = True,
    error: str = "",
    widget: forms.Widget | None = None,
) -> forms.CharField:
    """A free-text answer, on one line unless `widget` (text_area's) says otherwise; `error` is
    the message when it is required."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=widget,
        max_length=max_length,
        required=required,
        error_messages={"required": error} if error else None,
    )


def text_area(
    label: str,
    *,
    help_text: str = "",
    rows: int = 3,
    max_length: int = 4000,
    required: bool = True,
    error: str = "",
) -> forms.CharField:
    """A free-text answer in a GOV.UK textarea; `error` is the message when it is required."""
    return text_input(
        label,
        help_text=help_text,
        max_length=max_length,
        required=required,
        error=error,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def date_input(label: str, *, error: str) -> DateInputField:
    """A GOV.UK day, month and year, with an example; `error` is the message when it is empty."""
    field = DateInputField(label=label, help_text="For example, 27 3 2026")
    field.error_messages = {**field.error_messages, "required": error}
    return field


def radios(
    label: str,
    *,
    choices: Any = (),
    required: bool = True,
    error: str = "",
) -> forms.ChoiceField:
    """One answer of a few, as GOV.UK radios; `error` is the message when none is chosen."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": error} if error else None,
    )


def _is_yes(value: str) -> bool:
    return value == "yes"


def yes_or_no(label: str, *, yes: str = "Yes", error: str) -> forms.TypedChoiceField:
    """Yes or No as GOV.UK radios, cleaned to True or False; `yes` words the first answer,
    `error` is the message when neither is chosen."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", yes), ("no", "No")],
        coerce=_is_yes,
        widget=forms.RadioSelect,
        error_messages={"required": error},
    )
