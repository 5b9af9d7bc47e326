"""Printable records: the decision record and the audit extract, rendered to PDF by WeasyPrint.

Three rules hold for every PDF made here:

- **Only the app's own static files are ever fetched.** WeasyPrint would otherwise follow any
  URL in the document (``http(s)://``, ``file://``, ``data:``). `StaticFilesFetcher` serves
  ``isg-static:<path>`` (and ``/static/<path>``) from Django's static-file finders and refuses
  everything else, so no text typed into a record can make the server fetch or embed a file.
  The templates autoescape free text as well, so markup in it is printed, never parsed.
- **Protected identities stay protected.** People marked ``protect_identity`` on the case
  appear only as their role: every free-text value goes through a `Redactor`, which replaces
  their names with ``[protected: <role>]``. Only a safeguarding lead may ask for an unredacted
  copy, and the download's audit entry says which kind of copy it was.
- **Each copy is traceable.** The view records the download before rendering; the PDF prints
  the number of that audit entry, the time and who generated it, on every page.

The templates are in ``templates/pdf/``, the print stylesheet in ``static/pdf/print.css``. The
audit extract (up to 5 000 entries) is written by fpdf2 instead (extract_writer.py), with the
same content and print.css's page, because WeasyPrint took two minutes to lay it out; it
writes text only, so the first rule holds there by construction.
"""

AUDIT_EXTRACT_LIMIT = 5000  # rows in one audit-extract PDF; the CSV export has no cap
