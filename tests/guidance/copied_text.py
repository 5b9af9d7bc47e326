"""Finding source sentences pasted into the product (issue 13): any run of 12 or more words
of a document in ``shared/reference/seeds`` that appears in our own text.

Words are compared lower-cased, with punctuation and typographic quotes ignored, so a sentence
cannot slip through by changing its commas. A source's title may be quoted (we cite sources by
title): every title in the framework files, and each seed's first line, is cut out of the text
before it is searched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

RUN = 12
REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "reference" / "seeds"
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def words(text: str) -> list[str]:
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return _WORD.findall(text)


def runs(tokens: list[str], size: int = RUN) -> Iterator[tuple[str, ...]]:
    for i in range(len(tokens) - size + 1):
        yield tuple(tokens[i : i + size])


def seed_runs(seeds: Iterable[str]) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for text in seeds:
        found.update(runs(words(text)))
    return found


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, except the titles of the sources it cites."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                for source in item:
                    yield from strings({k: v for k, v in source.items() if k != "title"})
            else:
                yield from strings(item)


def _cut(tokens: list[str], titles: list[list[str]]) -> list[list[str]]:
    """The tokens split into pieces, with every occurrence of a title removed."""
    marks = [False] * len(tokens)
    for title in titles:
        n = len(title)
        if not n:
            continue
        for i in range(len(tokens) - n + 1):
            if tokens[i : i + n] == title:
                for j in range(i, i + n):
                    marks[j] = True
    pieces, current = [], []
    for token, cut in zip(tokens, marks, strict=True):
        if cut:
            if current:
                pieces.append(current)
            current = []
        else:
            current.append(token)
    if current:
        pieces.append(current)
    return pieces


def copied(text: str, source: set[tuple[str, ...]], titles: list[list[str]]) -> list[str]:
    """The copied runs of words found in ``text`` (each as a string), titles excepted."""
    found = []
    for piece in _cut(words(text), titles):
        for run in runs(piece):
            if run in source:
                found.append(" ".join(run))
    return found


def source_titles(definitions: Iterable[dict[str, Any]], seeds: Iterable[str]) -> list[list[str]]:
    titles = {s["title"] for d in definitions for s in d["sources"]}
    titles |= {next((line for line in text.splitlines() if line.strip()), "") for text in seeds}
    return sorted((words(t) for t in titles if words(t)), key=len, reverse=True)


def definition_text(definition: dict[str, Any]) -> str:
    return "\n".join(strings(definition))


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
