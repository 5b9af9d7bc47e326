"""The report's period: from and to months, as GOV.UK month-and-year inputs."""

from __future__ import annotations

import datetime
from typing import Any, cast

from crispy_forms_gds import fields as gds
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.http import QueryDict
from django.utils import timezone

from decisions.reports.period import MAX_MONTHS, Period, add_months, month_start, months_between
from isg.accounts.models import Organisation
from isg.ui.forms import form_helper

EARLIEST_YEAR = 2000


class MonthInputWidget(forms.MultiWidget):
    """A GOV.UK date input without the day: month and year."""

    template_name = "gds/widgets/date.html"

    def __init__(self) -> None:
        def text(label: str, width: int) -> forms.TextInput:
            return forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "label": label,
                    "inputmode": "numeric",
                }
            )

        super().__init__([text("Month", 2), text("Year", 4)])

    def decompress(self, value: Any) -> list[Any]:
        return [value.month, value.year] if value else [None, None]


class MonthInputField(gds.DateInputField):
    """The first day of the month entered; crispy-forms-gds's clean() ties each error to the
    month or the year input, so the error summary links to the one to fix."""

    widget = MonthInputWidget

    def __init__(self, **kwargs: Any) -> None:
        month = RegexValidator(
            r"^\s*(0?[1-9]|1[0-2])\s*$", "The month must be a number from 1 to 12"
        )
        year = RegexValidator(r"^\s*[0-9]{4}\s*$", "The year must have 4 digits, like 2026")
        fields = (
            forms.CharField(error_messages={"incomplete": "Enter the month"}, validators=[month]),
            forms.CharField(error_messages={"incomplete": "Enter the year"}, validators=[year]),
        )
        forms.MultiValueField.__init__(
            self,
            fields=fields,
            require_all_fields=False,
            error_messages={"incomplete": "Enter the month and the year"},
            **kwargs,
        )

    def compress(self, data_list: Any) -> datetime.date | None:
        if not data_list or not any(data_list):
            return None
        month, year = (int(str(part).strip()) for part in data_list)
        if year < EARLIEST_YEAR:
            raise ValidationError(f"The year must be {EARLIEST_YEAR} or later", code="invalid")
        return datetime.date(year, month, 1)


class PeriodForm(forms.Form):
    """Drawn by templates/includes/get_form.html through isg.ui.gds_html, as
    crispy-forms-gds drew it (tests/ui/test_gds_html.py): its nested templates were a
    quarter of the reports page's time in pyinstrument."""

    organisation = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    start = MonthInputField(
        label="From",
        required=False,
        help_text="The first month of the report, for example 1 2026",
    )
    end = MonthInputField(
        label="To",
        required=False,
        help_text="The last month, for example 12 2026. Leave both empty for the last 12 months.",
    )

    def __init__(self, data: QueryDict | None, *, organisations: list[Organisation]) -> None:
        super().__init__(data)
        if len(organisations) < 2:
            del self.fields["organisation"]
        else:
            cast(forms.ChoiceField, self.fields["organisation"]).choices = [
                (o.pk, o.name) for o in organisations
            ]
        self.helper = form_helper(submit=None)  # crispy-forms-gds's error summary reads it

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        this_month = month_start(timezone.localdate())
        start, end = cleaned.get("start"), cleaned.get("end")
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        if end is None:
            end = this_month if start is None else min(add_months(start, 11), this_month)
        if start is None:
            start = add_months(end, -11)
        if end > this_month:
            self.add_error("end", "The ‘to’ month must be this month or earlier")
        elif start > end:
            self.add_error("end", "The ‘to’ month must be the same as or after the ‘from’ month")
        elif months_between(start, end) > MAX_MONTHS:
            self.add_error("start", f"Choose a period of {MAX_MONTHS} months or fewer")
        else:
            cleaned["period"] = Period(start, end)
        return cleaned

    @property
    def period(self) -> Period:
        """The period chosen, or the last 12 months while the form has errors."""
        if self.is_valid():
            return cast(Period, self.cleaned_data["period"])
        return Period.default()
