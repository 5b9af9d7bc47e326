"""Protected people appear in a PDF only as their role (see decisions/pdf/)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from decisions.models import Case, Person


class Redactor:
    """Replaces protected people's names in free text with ``[protected: <role>]``.

    The full name is matched in any letter case and with any spacing between its words; each
    word of the name of two or more letters is matched too, as a whole word in its own
    capitalisation, so "Nell said" is caught as well as "Neighbour Nell". That can redact
    a word that only looks like the name: in this record, too much hidden beats too little.
    """

    def __init__(self, people: Iterable[Person] = (), *, active: bool = True):
        self.active = active
        replacements: dict[str, str] = {}
        full_names, parts = [], []
        self.protected = 0
        for person in people:
            name = " ".join(person.name.split())
            if not name:
                continue
            label = f"[protected: {person.role_label}]"
            self.protected += 1
            replacements.setdefault(name.casefold(), label)
            full_names.append(r"\s+".join(re.escape(word) for word in name.split()))
            for word in name.split():
                if len(word) >= 2 and word not in parts:
                    replacements.setdefault(word, label)
                    parts.append(word)
        self._labels = replacements
        self._pattern = None
        if full_names:
            full = "|".join(sorted(full_names, key=len, reverse=True))
            words = "|".join(re.escape(word) for word in sorted(parts, key=len, reverse=True))
            self._pattern = re.compile(
                rf"(?i:{full})|(?<!\w)(?:{words})(?!\w)" if words else rf"(?i:{full})"
            )

    @classmethod
    def for_case(cls, case: Case, *, active: bool = True) -> Redactor:
        return cls(case.people.filter(protect_identity=True), active=active)

    def _label(self, match: re.Match) -> str:
        found = match.group(0)
        return self._labels.get(" ".join(found.split()).casefold()) or self._labels[found]

    def __call__(self, value: Any) -> str:
        text = "" if value is None else str(value)
        if not self.active or self._pattern is None or not text:
            return text
        return self._pattern.sub(self._label, text)
