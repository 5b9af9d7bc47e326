"""GOV.UK form fields written in Python, for forms drawn on every view of a busy page.

crispy-forms-gds draws a field through several nested templates, and Django draws each
`<option>` of a select through two more: the audit log's filter form (42 actions) cost a
third of its page, and the wizard question's radios much of the rest of its render. These
functions write the same elements, classes, ids and aria attributes as crispy-forms-gds
(text inputs, selects, its date input, radios), from the bound field, so the page reads the
same to a browser and to a screen reader (tests/ui/test_gds_html.py compares the two).
Every other form is still drawn by crispy-forms-gds.
"""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.layout import Size
from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape as escape
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

ERROR_CLASS = "govuk-input--error"  # crispy-forms-gds marks a select with it too
SELECTED = SafeString(" selected")
CHECKED = SafeString(' checked="checked"')


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """Attributes as Django's widgets write them: False and None left out, True bare."""
    return SafeString("".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not None and value is not False
    ))


def _error_ids(field: BoundField) -> list[str]:
    return [f"{field.auto_id}_{n}_error" for n in range(1, len(field.errors) + 1)]


def _errors(field: BoundField) -> SafeString:
    return format_html_join(
        "",
        '<span id="{}" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> {}</span>',
        zip(_error_ids(field), field.errors, strict=True),
    )


def _hint(field: BoundField) -> SafeString:
    if not field.help_text:
        return SafeString("")
    return format_html('<div id="{}_hint" class="govuk-hint">{}</div>', field.auto_id,
                       field.help_text)


def _group(field: BoundField, inner: SafeString) -> SafeString:
    error = " govuk-form-group--error" if field.errors else ""
    return format_html(
        '<div id="div_{}" class="govuk-form-group{}">{}</div>', field.auto_id, error, inner
    )


def _described_by(field: BoundField) -> str | None:
    ids = ([f"{field.auto_id}_hint"] if field.help_text else []) + _error_ids(field)
    return " ".join(ids) or None


def _labelled(
    field: BoundField, tag: str, base_class: str, attrs: dict[str, Any], content: str | None = None
) -> SafeString:
    """A form group: the label, the hint, the errors, then the control `tag` (and `content`
    and a closing tag, unless it is None), classed `base_class` and the widget's classes."""
    widget = field.field.widget
    classes = [base_class, *[c for c in widget.attrs.get("class", "").split() if c != base_class]]
    attrs = {
        "name": field.html_name,
        **attrs,
        "class": " ".join(classes + ([ERROR_CLASS] if field.errors else [])),
        "aria-describedby": _described_by(field),
        "aria-invalid": "true" if field.errors else None,
        "id": field.auto_id,
    }
    closing = "" if content is None else format_html("{}</{}>", content, tag)
    return _group(field, format_html(
        '<label for="{}" class="govuk-label">{}</label>{}{}<{}{}>{}',
        field.id_for_label, field.label, _hint(field), _errors(field), tag, _attrs(attrs),
        closing,
    ))


def text_input(field: BoundField) -> SafeString:
    """A labelled GOV.UK text input, its hint and its errors."""
    widget = field.field.widget
    value = widget.format_value(field.value())
    attrs = {"type": "text", "value": value, "maxlength": widget.attrs.get("maxlength")}
    return _labelled(field, "input", "govuk-input", attrs)


def select(field: BoundField) -> SafeString:
    """A labelled GOV.UK select, its hint and its errors; the value shown is selected."""
    widget = field.field.widget
    chosen = widget.format_value(field.value())
    selected = next((str(v) for v, _ in widget.choices if str(v) in chosen), None)
    options = SafeString("".join(
        f'<option value="{escape(v)}"{SELECTED if str(v) == selected else ""}>{escape(label)}'
        "</option>"
        for v, label in widget.choices
    ))
    return _labelled(field, "select", "govuk-select", {}, options)


def date_input(field: BoundField) -> SafeString:
    """crispy-forms-gds's day, month and year inputs in a fieldset.

    As it does: each box a part's own error names gets the error class and points at the
    error; an error of the whole date (none of the parts') marks all three boxes.
    """
    widget = field.field.widget
    value = field.value()
    parts = value if isinstance(value, list | tuple) else widget.decompress(value)
    parts_of = cast(forms.MultiValueField, field.field).fields
    part_errors = [getattr(sub.widget, "errors", None) or [] for sub in parts_of]
    no_part_errors = not any(part_errors)
    items = []
    for index, (sub, errors) in enumerate(zip(widget.widgets, part_errors, strict=True)):
        marked = bool(field.errors) and (no_part_errors or bool(errors))
        own = [
            error_id
            for error_id, error in zip(_error_ids(field), field.errors, strict=True)
            if error in errors
        ]
        sub_id = f"{field.auto_id}_{index}"
        attrs = {
            "type": "text",
            "name": f"{field.html_name}_{index}",
            "value": sub.format_value(parts[index] if index < len(parts) else None),
            "class": " ".join([sub.attrs["class"], *([ERROR_CLASS] if marked else [])]),
            **{k: v for k, v in sub.attrs.items() if k not in ("class", "label", "id")},
            "aria-invalid": "true" if field.errors else None,
            "aria-describedby": " ".join(own) or None,
            "id": sub_id,
        }
        items.append((sub_id, sub.attrs["label"], _attrs(attrs)))
    boxes = format_html_join(
        "",
        '<div class="govuk-date-input__item"><div class="govuk-form-group">'
        '<label class="govuk-label govuk-date-input__label" for="{}">{}</label>'
        "<input{}></div></div>",
        items,
    )
    described = (f"{field.auto_id}_hint" if field.help_text else "") + "".join(
        f" {error_id}" for error_id in _error_ids(field)
    )
    return _group(field, format_html(
        '<fieldset class="govuk-fieldset"{}><legend class="govuk-fieldset__legend">{}</legend>'
        '{}{}<div class="govuk-date-input" id="{}">{}</div></fieldset>',
        _attrs({"aria-describedby": described or None}),
        field.label, _hint(field), _errors(field), field.auto_id, boxes,
    ))


def radios(
    field: BoundField, *, legend_size: str | None = None, legend_tag: str | None = None
) -> SafeString:
    """GOV.UK radios in a fieldset, as `Field.radios(name, legend_size=…, legend_tag=…)`."""
    chosen = str(field.value())
    items = format_html_join(
        "",
        '<div class="govuk-radios__item"><input type="radio" name="{}" '
        'class="govuk-radios__input" id="id_{}_{}" value="{}"{}>'
        '<label class="govuk-label govuk-radios__label" for="id_{}_{}">{}</label></div>',
        (
            (field.html_name, field.html_name, n, value, CHECKED if str(value) == chosen else "",
             field.html_name, n, label)
            for n, (value, label) in enumerate(field.field.widget.choices, start=1)
        ),
    )
    legend = format_html("<{} class=\"govuk-fieldset__heading\">{}</{}>", legend_tag,
                         field.label, legend_tag) if legend_tag else field.label
    size = f" {Size.for_legend(legend_size)}" if legend_size else ""
    described = (f"{field.auto_id}_hint" if field.help_text else "") + "".join(
        f" {error_id}" for error_id in _error_ids(field)
    )
    return _group(field, format_html(
        '<fieldset class="govuk-fieldset"{}><legend class="govuk-fieldset__legend{}">{}</legend>'
        '{}{}<div class="govuk-radios">{}</div></fieldset>',
        _attrs({"aria-describedby": described or None}), size, legend,
        _hint(field), _errors(field), items,
    ))


def field_html(field: BoundField, **options: Any) -> SafeString:
    """The field drawn by the function for its widget; `options` are radios' legend's."""
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect) and widget.input_type == "radio":
        return radios(field, **options)
    if isinstance(widget, forms.MultiWidget):
        return date_input(field)
    if isinstance(widget, forms.Select):
        return select(field)
    if isinstance(widget, forms.TextInput):
        return text_input(field)
    raise TypeError(f"no GOV.UK markup for {type(widget).__name__}")
