"""The audit extract as fpdf2 writes it (decisions/pdf/extract_writer.py, layout.py): every
field of every entry, the filters, who exported it, on pages that say so."""

import io
import re

import pytest
from django.http import QueryDict
from django.urls import reverse
from pypdf import PdfReader

from decisions.audit import record as audit_log
from decisions.audit import review
from decisions.models import AuditEntry
from decisions.pdf import audit_extract, extract_writer, layout
from tests.decisions.pdf.test_pdf import pdf_text


def squeezed(text: str) -> str:
    """Text without whitespace: a value wrapped over lines is still found whole."""
    return "".join(text.split())


def context_for(world, **kwargs):
    entries, _form = review.reviewable(world.users["lead"], QueryDict())
    return audit_extract.audit_extract_context(
        entries, user=world.users["lead"], filters=kwargs.pop("filters", []), **kwargs
    )


def test_every_field_of_every_entry_is_printed_newest_first(world, client_for):
    audit_log.record_view(world.users["lead"], world.decision, world.case)
    audit_log.record(
        action=AuditEntry.Action.CASE_UPDATED,
        actor=world.users["practitioner"],
        case=world.case,
        snapshot={"note": "Zoë O’Brien — “quoted” " + "long-text-without-a-break" * 12},
    )
    response = client_for(world.users["lead"]).get(reverse("audit_export_pdf"), {"case": "RIV-1"})
    assert response.status_code == 200
    text = pdf_text(response.content)
    exported = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).get()
    entries = review.reviewable(world.users["lead"], QueryDict("case=RIV-1"))[0]
    context = audit_extract.audit_extract_context(
        entries.filter(sequence__lt=exported.sequence),
        user=world.users["lead"],
        filters=[],
    )
    assert len(context["entries"]) >= 2
    flat = squeezed(text)
    for row in context["entries"]:
        for name, value in row.items():
            assert squeezed(str(value)) in flat, (name, value)
        assert squeezed(f"HMAC: {row['hmac']} (key {row['key_id']})") in flat
    found = [int(n) for n in re.findall(r"#(\d+) \d", text)]
    assert found == [row["sequence"] for row in context["entries"]]  # newest first, each once
    assert "Case reference RIV-1" in text
    assert f"entries, newest first, all older than this extract’s own entry #{exported.sequence}"
    lead = world.users["lead"]
    assert f"by {lead.display_name} ({lead.get_username()}) · audit entry #{exported.sequence}" in (
        text
    )
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert f"Page 1 of {len(pages)}" in text and "Sensitive — handle securely" in text


def test_the_extract_has_its_title_author_language_and_outline(world):
    content = extract_writer.write_audit_extract(context_for(world, filters=[("Action", "x")]))
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title == "Audit log extract"
    assert reader.metadata.author == world.users["lead"].display_name
    assert reader.metadata.creator == "ISG"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert [item.title for item in reader.outline[:1]] == ["Audit log extract"]
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVu" in name for name in fonts), fonts


def test_no_filters_no_entries_and_the_cap_are_said(world):
    context = context_for(world)
    context.update(entries=[], truncated=True, limit=7)
    text = pdf_text(extract_writer.write_audit_extract(context))
    assert "None: every entry you may review." in text
    assert "0 entries, newest first." in text and "No entries." in text
    assert "only the newest 7 are printed" in text


def test_an_entry_longer_than_a_page_goes_on_on_the_next(world):
    long_snapshot = " ".join(f"word{n}" for n in range(4000))
    entry = audit_log.record(
        action=AuditEntry.Action.CASE_UPDATED, case=world.case, snapshot={"n": long_snapshot}
    )
    content = extract_writer.write_audit_extract(context_for(world))
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]
    assert len(pages) > 2
    heads, running = "Entry When Who Action Case Outcome ", r" ?Sensitive — handle securely .*$"
    assert all(page.startswith(heads) for page in pages[1:])  # the heads again on every page
    body = "".join(re.sub(running, "", page.removeprefix(heads)) for page in pages)
    assert squeezed(long_snapshot) in squeezed(body) and entry.entry_hash in body


@pytest.mark.parametrize("width", [5.0, 20.0, 60.0])
def test_wrapping_keeps_every_character_and_stays_in_the_column(world, width):
    from fpdf import FPDF

    pdf = FPDF(unit="mm")
    for name, filename in extract_writer.FONT_FILES.items():
        pdf.add_font(name, "", str(extract_writer.font_dir() / filename))
    flow = layout.Flow(pdf)
    runs = [
        layout.Run("Snapshot: ", "sans", 8.0),
        layout.Run('{"a": "' + "f" * 90 + '", "RIV-2026-0142": "x  y"}\nnext', "mono", 7.0),
    ]
    lines = layout.wrap(flow, runs, width)
    assert squeezed("".join(text for line in lines for _, text, _, _ in line)) == squeezed(
        "".join(run.text for run in runs)
    )
    for line in lines:
        x, text, font, size = line[-1]
        assert x + flow.width(text, font, size) <= width + 0.01 or len(text) == 1
    printed = "\n".join("".join(text for _, text, _, _ in line) for line in lines)
    assert '"}\nn' in printed  # the newline in the text starts a line
