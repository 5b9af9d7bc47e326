"""The one way our forms are laid out with crispy-forms-gds."""

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.http import HttpRequest, QueryDict


def form_helper(*fields: Any, submit: str | None = "Save", form_tag: bool = True) -> FormHelper:
    """A GOV.UK form layout of `fields`, then a submit button unless `submit` is None.

    With `form_tag=False` the template draws its own `<form>` (and its CSRF token), so the
    helper draws neither: one form, one token.
    """
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.disable_csrf = not form_tag
    helper.layout = Layout(*fields, *([Button("submit", submit)] if submit else []))
    return helper


class TextAreasForm(forms.Form):
    """A form of text areas, laid out in the order they are declared, then one button.

    A subclass declares its fields and `submit_label`, and nothing else."""

    submit_label = "Save"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            *(Field.textarea(name) for name in self.fields), submit=self.submit_label
        )


def cleaned_values(form: forms.BaseForm, *names: str) -> dict[str, Any]:
    """The cleaned values of the fields `names`, as keyword arguments for a service."""
    return {name: form.cleaned_data[name] for name in names}


def posted_data(request: HttpRequest) -> QueryDict | None:
    """The submitted data on POST, None otherwise.

    Not `request.POST or None`: an empty POST must still bind the form, so that
    submitting nothing shows errors instead of a blank page.
    """
    return request.POST if request.method == "POST" else None
