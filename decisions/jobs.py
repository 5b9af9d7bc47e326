"""The kinds of job this app runs on the task queue, registered by importing their modules
(isg/jobs imports every app's `jobs` module when the app registry is ready)."""

from decisions.audit import exports, live
from decisions.pdf import jobs as pdf_jobs

KINDS = (exports.export_csv, pdf_jobs.export_pdf, live.verify_job)
