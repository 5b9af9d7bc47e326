"""A draft or a decision in words: check your answers, the record's sections, its findings."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from decisions.models import Decision
from decisions.wizard import forms as wf
from decisions.wizard.state import RECORD_STEP_BY_SLUG, RECORD_STEPS, State, bound_form, step_title
from decisions.wizard.steps import DANGER, Step, question
from guidance import catalogue, engine
from guidance.vocabulary import answer_key


def answer_label(definition: dict[str, Any], fact: str, value: Any) -> str:
    """The answer as the practitioner saw it on the question page."""
    for q in definition["questions"]:
        if q["fact"] == fact:
            return q.get("answers", {}).get(answer_key(value), str(value))
    return str(value)


def facts_as_rows(definition: dict[str, Any], facts: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(question id, question text, answer label) for each answered question, in order."""
    return [
        (q["id"], q["text"], answer_label(definition, q["fact"], facts[q["fact"]]))
        for q in definition["questions"]
        if q["fact"] in facts
    ]


def _display(form: forms.Form, name: str, value: Any) -> str:
    field = form.fields[name]
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return "; ".join(str(choices.get(v, v)) for v in value) or "None"
    if value in (None, ""):
        return "Not given"
    return str(choices.get(value, value))


def record_rows(state: State, step: Step) -> list[tuple[str, str]]:
    """(label, value) pairs for one record step, as saved."""
    form = bound_form(state, step, state.draft.answers.get(step.slug))
    if not form.is_valid():
        return []
    if isinstance(form, wf.BaseItemFormSet):
        return [
            (f"Item {n}", f"{item['description']} — why: {item['justification']}")
            for n, item in enumerate(form.items(), start=1)
        ] or [("Items", "None")]
    return [
        (str(form.fields[name].label), _display(form, name, value))
        for name, value in form.cleaned_data.items()
        if value not in (None, "", []) or form.fields[name].required
    ]


def summary(state: State) -> list[dict[str, Any]]:
    """Sections for check your answers: each row with a change link back to its step."""
    draft_id = state.draft.pk

    def change(step: Step) -> str:
        return step.url(draft_id) + "?return=check"

    questions = [
        {"key": text, "value": answer, "url": change(question(qid))}
        for qid, text, answer in facts_as_rows(state.definition, state.facts)
    ]
    sections = [{"title": "Your answers", "rows": questions}]
    for step in state.steps:
        if step.is_question:
            continue
        title = step_title(step.slug)
        rows = [
            {"key": key, "value": value, "url": change(step)}
            for key, value in record_rows(state, step)
        ]
        sections.append({"title": title, "rows": rows})
    return sections


def explanation(state: State) -> str:
    """The plain-words reason the engine gives for its recommendation."""
    for rule in state.definition["rules"]:
        if rule["id"] == state.result.rule:
            return rule.get("explanation", "")
    return ""


def warning_texts(codes: list[str]) -> list[tuple[str, str]]:
    """(code, plain-words explanation) for the engine's warning codes."""
    return [(code, engine.WARNINGS.get(code, code)) for code in codes]


def decision_findings(decision: Decision) -> dict[str, Any]:
    """What a submitted decision found, read against the framework version it was made under."""
    definition = catalogue.definition(decision.framework, decision.framework_version)
    return {
        "definition": definition,
        "facts": facts_as_rows(definition, decision.facts),
        "sections": record_sections(definition, decision.answers),
        "warnings": warning_texts(decision.engine_result.get("warnings", [])),
    }


def record_sections(definition: dict[str, Any], answers: dict[str, Any]) -> list[dict[str, Any]]:
    """A submitted decision's record answers as titled sections of (label, value) rows."""
    sections = []
    order = [DANGER.slug] + [step.slug for step in RECORD_STEPS]
    for step in order:
        if step not in answers:
            continue
        value = answers[step]
        if step == "items":
            rows = [
                (f"Item {n}", f"{item['description']} — why: {item['justification']}")
                for n, item in enumerate(value, start=1)
            ]
            sections.append({"title": "What to share", "rows": rows or [("Items", "None")]})
            continue
        # Every record step but "items" (shown above) has a RecordForm.
        form = (
            wf.DangerForm()
            if step == DANGER.slug
            else cast(type[wf.RecordForm], RECORD_STEP_BY_SLUG[step].form_class)(
                context={"lawful_bases": definition.get("lawful_bases", [])}
            )
        )
        rows = [
            (str(form.fields[name].label), _display(form, name, field_value))
            for name, field_value in value.items()
            if name in form.fields and field_value not in (None, "", [])
        ]
        sections.append({"title": step_title(step), "rows": rows})
    return sections
