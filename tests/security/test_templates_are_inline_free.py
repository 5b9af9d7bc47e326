"""No template has inline script or style: the CSP forbids them, so they would break."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("isg/*/templates")]
TEMPLATES = sorted(
    path for folder in TEMPLATE_DIRS if folder.is_dir() for path in folder.rglob("*.html")
)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
# Data blocks are not run, so the CSP allows them (json_script).
DATA_TYPES = ("application/json", "application/ld+json")


def test_templates_were_found():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_style_or_event_handler(path):
    text = path.read_text()
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        assert "src=" in attributes or any(t in attributes for t in DATA_TYPES), (
            f"inline <script> in {path}"
        )
    assert not STYLE_ATTRIBUTE.search(text), f"style= attribute in {path}"
    assert not EVENT_HANDLER.search(text), f"inline event handler in {path}"
    assert "<style" not in text.lower(), f"<style> element in {path}"
