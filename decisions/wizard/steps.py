"""The wizard's steps, typed: a framework question, the emergency step, a record step, or
the check page. One place builds a step from a URL and a URL from a step."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


class Kind(enum.Enum):
    QUESTION = "question"
    DANGER = "danger"
    RECORD = "record"
    CHECK = "check"


@dataclass(frozen=True)
class Step:
    kind: Kind
    slug: str  # the question's id, or the record step's slug ("danger", "check")

    @property
    def is_question(self) -> bool:
        return self.kind is Kind.QUESTION

    def url(self, draft_id: Any) -> str:
        if self.kind is Kind.CHECK:
            return reverse("wizard_check", args=[draft_id])
        if self.kind is Kind.QUESTION:
            return reverse("wizard_question", args=[draft_id, self.slug])
        return reverse("wizard_step", args=[draft_id, self.slug])

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.slug}"


DANGER = Step(Kind.DANGER, "danger")
CHECK = Step(Kind.CHECK, "check")


def question(question_id: str) -> Step:
    return Step(Kind.QUESTION, question_id)


def record(slug: str) -> Step:
    return Step(Kind.RECORD, slug)
