"""Product text is in our own words (issue 13): no run of 12 or more words of a source
document appears in the current framework versions, the templates, the docs or the guidance
package - outside a source's title. Superseded published versions stay as they were."""

import json

import pytest

from guidance import frameworks
from tests.guidance.copied_text import (
    REPO,
    SEEDS,
    copied,
    definition_text,
    seed_runs,
    source_titles,
    words,
)

SEED_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
SOURCE = seed_runs(SEED_TEXTS)
DEFINITIONS = frameworks.load_definitions()
LATEST = frameworks.load_latest()
TITLES = source_titles(DEFINITIONS, SEED_TEXTS)
TEXT_SUFFIXES = {".html", ".txt", ".md", ".py", ".json", ".js", ".css", ".svg"}


def test_the_sources_are_there_to_compare_with():
    assert len(SEED_TEXTS) == 5
    assert len(SOURCE) > 2000


@pytest.mark.parametrize("slug", sorted(LATEST))
def test_current_framework_versions_are_in_our_own_words(slug):
    assert copied(definition_text(LATEST[slug]), SOURCE, TITLES) == []


def files():
    for folder in ("templates", "docs", "guidance"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts:
                yield path


@pytest.mark.parametrize("path", list(files()), ids=lambda p: str(p.relative_to(REPO)))
def test_templates_docs_and_guidance_are_in_our_own_words(path):
    assert copied(path.read_text(encoding="utf-8"), SOURCE, TITLES) == []


def test_sa_isg_1_0_0_had_two_source_sentences_and_1_1_0_has_none():
    # Issue 13, defect 14: practice tips 3 and 10 of the SA ISG (seed 003) were pasted in.
    assert copied(definition_text(LATEST["sa-isg"]), SOURCE, TITLES) == []
    published = {(d["slug"], d["version"]): d for d in DEFINITIONS}
    found = copied(definition_text(published[("sa-isg", "1.0.0")]), SOURCE, TITLES)
    joined = " | ".join(found)
    assert "what how and with whom their information will or could be shared" in joined
    assert "child abuse report line or a family safety meeting as soon as" in joined


def test_a_copied_sentence_put_back_is_found(tmp_path):
    # The guard works on what is actually in the file: put a tip back into a copy of 1.1.0.
    definition = json.loads(json.dumps(LATEST["sa-isg"]))
    definition["principles"][-1]["text"] = (
        "Be mindful that early intervention does not remove your ongoing obligation to notify "
        "such agencies as the Police, the Child Abuse Report Line or a Family Safety Meeting."
    )
    assert copied(definition_text(definition), SOURCE, TITLES)
    page = tmp_path / "page.html"
    page.write_text(
        "<p>Seek advice promptly whenever you are uncertain or do not fully "
        "understand how the legal framework supports information sharing.</p>"
    )
    assert copied(page.read_text(), SOURCE, TITLES)


def test_punctuation_and_case_do_not_hide_a_copy():
    sentence = (
        "YOU are not required to inform them, if you have reason to believe "
        "that doing so may put the child at increased risk"
    )
    assert copied(sentence, SOURCE, TITLES)
    assert copied(" ".join(words(sentence)[:11]), SOURCE, TITLES) == []


def test_a_sources_title_may_be_quoted():
    title = LATEST["sa-isg"]["sources"][2]["title"]
    assert len(words(title)) >= 12
    assert copied(f"See {title}, tip 3.", SOURCE, TITLES) == []
