// Loaded as a module from base.html: no inline script, so a strict CSP can forbid it.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
