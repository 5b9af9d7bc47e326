"""The decision wizard's flow: which step comes next, and what each step needs.

The framework questions come from the framework definition through the engine;
the record steps after them are the same for every framework, and the engine's
`must_record` (for the recommendation and for the outcome the practitioner
chooses) says which of them apply and which of their fields are required.

A step is complete when its stored answers are valid under today's
requirements, so answering an earlier question differently re-opens any record
step that now needs more.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.datastructures import MultiValueDict

from decisions.models import DecisionDraft
from decisions.wizard import forms as wf
from decisions.wizard.steps import CHECK, DANGER, Kind, Step
from guidance import catalogue, engine


@dataclass(frozen=True)
class RecordStep:
    slug: str
    title: str
    form_class: type[wf.RecordForm] | type[wf.BaseItemFormSet]
    covers: frozenset[str]  # record fields (engine vocabulary) this step records
    always: bool = False


RECORD_STEPS = [
    RecordStep(
        "consent",
        "Consent, telling the family, and the child's views",
        wf.ConsentForm,
        frozenset({"consent", "consent_reason", "informed", "not_informed_reason", "child_views"}),
        always=True,
    ),
    RecordStep("items", "What to share", wf.ItemFormSet, frozenset({"items"})),
    RecordStep(
        "recipients",
        "Who receives it, and how",
        wf.RecipientsForm,
        frozenset({"recipients", "method"}),
    ),
    RecordStep(
        "proportionality",
        "Necessary and proportionate",
        wf.ProportionalityForm,
        frozenset({"proportionality"}),
    ),
    RecordStep("lawful_basis", "Lawful basis", wf.LawfulBasisForm, frozenset({"lawful_basis"})),
    RecordStep("advice", "Advice sought", wf.AdviceForm, frozenset({"advice"})),
    RecordStep(
        "outcome",
        "Your decision",
        wf.OutcomeForm,
        frozenset({"rationale", "refusal_reasons", "follow_up", "request"}),
        always=True,
    ),
]
RECORD_STEP_BY_SLUG = {step.slug: step for step in RECORD_STEPS}


def step_for_slug(slug: str) -> Step | None:
    """The emergency or record step a URL names, or None."""
    if slug == DANGER.slug:
        return DANGER
    if slug in RECORD_STEP_BY_SLUG:
        return Step(Kind.RECORD, slug)
    return None


@dataclass
class State:
    """Everything the wizard knows about a draft, worked out once per request."""

    draft: DecisionDraft
    definition: dict[str, Any]
    result: engine.Result
    required: set[str]
    steps: list[Step] = field(default_factory=list)
    _complete: dict[Step, bool] = field(default_factory=dict, repr=False)

    @property
    def facts(self) -> dict[str, Any]:
        return self.draft.facts

    @property
    def outcome(self) -> str | None:
        return self.draft.answers.get("outcome", {}).get("outcome", [None])[0]

    def next_step(self) -> Step:
        """The first step that still needs an answer, or the check page."""
        for step in self.steps:
            if not self.is_complete(step):
                return step
        return CHECK

    def reachable(self, step: Step) -> bool:
        """A step can be opened once every step before it is answered: no skipping ahead."""
        if step not in self.steps:
            return False
        first_open = self.next_step()
        return first_open == CHECK or self.steps.index(step) <= self.steps.index(first_open)

    def accepts_answer_to(self, step: Step) -> bool:
        """With an answer to the question `step` already applied: the question applies, and
        every step before it was answered — but questions that only this answer opened (those
        asked once the outcome is known). No skipping ahead, judged from the new state alone."""
        if step not in self.steps:
            return False
        opened_by_outcome = engine.outcome_dependent_questions(self.definition)
        return all(
            self.is_complete(before)
            for before in self.steps[: self.steps.index(step)]
            if not (before.is_question and before.slug in opened_by_outcome)
        )

    def previous_step(self, step: Step) -> Step | None:
        if step == CHECK:
            return self.steps[-1] if self.steps else None
        if step not in self.steps:
            return None
        index = self.steps.index(step)
        return self.steps[index - 1] if index else None

    def is_complete(self, step: Step) -> bool:
        """Answered, and (for a record step) valid under today's requirements; worked out
        once per step per request."""
        if step not in self._complete:
            self._complete[step] = self._check(step)
        return self._complete[step]

    def _check(self, step: Step) -> bool:
        if step.is_question:
            return engine.question(self.definition, step.slug)["fact"] in self.facts
        if step.slug not in self.draft.answers:
            return False
        return bound_form(self, step, self.draft.answers[step.slug]).is_valid()

    def _progress(self) -> tuple[int, int]:
        """(n, about) for "Question n of about …", from this request's one evaluation."""
        path = list(self.result.path)
        if self.result.next_question is None:
            return (len(path), len(path))
        return (path.index(self.result.next_question) + 1, len(path) + self.result.pending)

    def position(self, step: Step) -> str:
        """The progress line: "Question 3 of about 9", then the record steps counted apart."""
        if step.is_question:
            n, about = self._progress()
            questions = [s for s in self.steps if s.is_question]
            if step in questions:
                n = questions.index(step) + 1
            return f"Question {n} of about {max(about, n)}"
        if step == DANGER:
            return "Urgent: act now"
        record_steps = [s for s in self.steps if s.kind is Kind.RECORD]
        if step in record_steps:
            n = record_steps.index(step) + 1
            return f"Recording the decision: step {n} of {len(record_steps)}"
        return "Check your answers"


def state_for(draft: DecisionDraft, result: engine.Result | None = None) -> State:
    """Everything the wizard needs about the draft, from one evaluation of its facts (`result`,
    when the caller has just made it for these facts)."""
    definition = catalogue.definition(draft.framework, draft.framework_version)
    result = result or engine.evaluate(definition, draft.facts)
    state = State(draft=draft, definition=definition, result=result, required=set())
    state.required = required_fields(state)
    state.steps = plan(state)
    return state


def required_fields(state: State) -> set[str]:
    """Record fields the record must hold: for the outcome chosen, else the recommendation."""
    if state.result.recommendation == "incomplete":
        return set()
    outcome = state.outcome
    if outcome and outcome != state.result.recommendation:
        return set(engine.record_fields(state.definition, state.facts, outcome))
    return set(state.result.must_record)


def plan(state: State) -> list[Step]:
    steps: list[Step] = []
    for question_id in state.result.path:
        steps.append(Step(Kind.QUESTION, question_id))
        fact = engine.question(state.definition, question_id)["fact"]
        if fact == "immediate_danger" and state.facts.get("immediate_danger") is True:
            steps.append(DANGER)
    if state.result.next_question is not None or state.result.recommendation == "incomplete":
        return steps
    for step in RECORD_STEPS:
        if step.always or step.covers & state.required:
            steps.append(Step(Kind.RECORD, step.slug))
    return steps


def step_title(slug: str) -> str:
    """The title of an emergency or record step, by its slug (as answers are stored)."""
    if slug == DANGER.slug:
        return "Action taken in the emergency"
    return RECORD_STEP_BY_SLUG[slug].title


def prune_facts(
    definition: dict[str, Any], facts: dict[str, Any]
) -> tuple[dict[str, Any], engine.Result]:
    """Drop answers to questions that no longer apply after an earlier answer changed; with
    the evaluation of what is kept.

    The engine sets aside answers to questions its path skips (`ignored_facts`) and its
    result does not depend on them, so dropping those needs no second evaluation. Only an
    answer it did use but that is off the path (a question still waiting on another) is
    dropped and evaluated again.
    """
    while True:
        result = engine.evaluate(definition, facts)
        on_path = {engine.question(definition, qid)["fact"] for qid in result.path}
        kept = {name: value for name, value in facts.items() if name in on_path}
        if set(facts) - set(kept) <= set(result.ignored_facts):
            return kept, result
        facts = kept


def form_context(state: State) -> dict[str, Any]:
    return {
        "recommendation": state.result.recommendation,
        "lawful_bases": state.definition.get("lawful_bases", []),
        "consent_not_sought": state.facts.get("consent") == "not_sought",
        "not_informed": state.facts.get("subject_informed") is False
        or state.facts.get("informing_increases_risk") is True,
    }


StepForm = wf.RecordForm | wf.BaseItemFormSet


def bound_form(
    state: State, step: Step, data: Mapping[str, Any] | MultiValueDict | None = None
) -> StepForm:
    """The form for a record step (or the danger step), bound to `data` when given."""
    if isinstance(data, dict) and not isinstance(data, MultiValueDict):
        data = MultiValueDict(data)
    if step == DANGER:
        return wf.DangerForm(data=data, context=form_context(state))
    record_step = RECORD_STEP_BY_SLUG[step.slug]
    form_class = record_step.form_class
    if issubclass(form_class, wf.BaseItemFormSet):  # the items step: wf.ItemFormSet
        return form_class(data=data, prefix="items", required="items" in state.required)
    return form_class(data=data, required=state.required, context=form_context(state))


def stored_form(state: State, step: Step) -> StepForm:
    """The step's form as last saved; a step not yet visited starts from sensible defaults."""
    saved = state.draft.answers.get(step.slug)
    if saved is not None:
        return bound_form(state, step, saved)
    form = bound_form(state, step, None)
    if step.slug == "recipients":
        share_request = state.draft.share_request
        form.initial = {
            "recipients": f"{share_request.counterpart_contact}, "
            f"{share_request.counterpart_role}, {share_request.counterpart_agency}"
        }
    return form


def raw_answers(post: MultiValueDict, form: StepForm) -> dict[str, list[str]]:
    """What the user typed, kept as given, so a step can be shown again exactly.

    Only what the form validated is kept: all values of a multiple-choice field, the last
    value of any other (a crafted POST can repeat a field; the form checks only the last, so
    an unchecked earlier value, say with a NUL byte, must not reach the database).
    """
    multiple = set()
    if isinstance(form, wf.BaseItemFormSet):
        names = {key for key in post if key.startswith("items-")}
    else:
        names = {form.add_prefix(name) for name in form.fields}
        multiple = {
            form.add_prefix(name)
            for name, field in form.fields.items()
            if getattr(field.widget, "allow_multiple_selected", False)
        }
    return {
        name: post.getlist(name) if name in multiple else post.getlist(name)[-1:]
        for name in sorted(names)
        if name in post
    }


def protected_names_in_items(draft: DecisionDraft) -> list[str]:
    """Names of protected people that appear in the items to share."""
    saved = draft.answers.get("items")
    if not saved:
        return []
    text = " ".join(
        value for key, values in saved.items() if key.endswith("-description") for value in values
    ).casefold()
    people = draft.share_request.case.people.filter(protect_identity=True)
    return [person.name for person in people if person.name.casefold() in text]


def cleaned_answers(state: State) -> dict[str, Any]:
    """The record answers as clean values, for the decision record."""
    cleaned: dict[str, Any] = {}
    for step in state.steps:
        if step.is_question:
            continue
        form = bound_form(state, step, state.draft.answers.get(step.slug))
        if not form.is_valid():
            continue
        if isinstance(form, wf.BaseItemFormSet):
            cleaned["items"] = form.items()
        else:
            cleaned[step.slug] = {
                key: (value.isoformat() if hasattr(value, "isoformat") else value)
                for key, value in form.cleaned_data.items()
            }
    return cleaned


