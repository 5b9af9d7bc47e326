"""WeasyPrint may load the app's own static files and nothing else (see decisions/pdf/)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_SCHEME = "isg-static:"
STYLESHEET = f"{STATIC_SCHEME}pdf/print.css"
# Types WeasyPrint may load from the static files: stylesheets, images and fonts. Never HTML.
ALLOWED_TYPES = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


class FetchRefused(ValueError):
    """WeasyPrint asked for something that is not one of the app's static files."""


def static_file_for(url: str) -> Path:
    """The static file an ``isg-static:`` or ``/static/`` URL names; FetchRefused otherwise."""
    if url.startswith(STATIC_SCHEME):
        name = url[len(STATIC_SCHEME) :]
    elif url.startswith(settings.STATIC_URL) and settings.STATIC_URL.startswith("/"):
        name = url[len(settings.STATIC_URL) :]
    else:
        raise FetchRefused(f"only the app's static files may be loaded, not {url[:80]!r}")
    name = name.split("?", 1)[0].split("#", 1)[0]
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or any(part in ("", ".", "..") for part in parts)
        or any(char in name for char in ("\\", "%", ":", "\0"))
    ):
        raise FetchRefused(f"not a static file name: {name[:80]!r}")
    if Path(name).suffix.lower() not in ALLOWED_TYPES:
        raise FetchRefused(f"not a stylesheet, image or font: {name[:80]!r}")
    found = finders.find(name)
    if not found:
        raise FetchRefused(f"no such static file: {name[:80]!r}")
    return Path(found)


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, narrowed to the app's static files (see the module docstring).

    Refusals are raised as exceptions, which WeasyPrint logs and skips: the resource is left
    out and rendering goes on.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = static_file_for(url)
        content_type = ALLOWED_TYPES[path.suffix.lower()]
        if content_type == "text/css":
            content_type = "text/css; charset=utf-8"
        return URLFetcherResponse(
            url=f"{STATIC_SCHEME}{path.name}",
            body=path.read_bytes(),
            headers={"Content-Type": content_type},
        )


@cache
def font_configuration() -> FontConfiguration:
    """One font configuration for the process: fontconfig is set up once, not per PDF."""
    return FontConfiguration()


@cache
def print_stylesheet() -> CSS:
    """print.css, fetched through the fetcher and parsed once for the process.

    Parsing it took more than half of an empty page's time. The file is read at the first PDF
    a process makes: a changed print.css needs a restart, as a changed template does.
    """
    return CSS(url=STYLESHEET, url_fetcher=StaticFilesFetcher(), font_config=font_configuration())


def render_html(html: str) -> bytes:
    """PDF bytes for a complete HTML document, styled by print.css; only static files are
    fetched (print.css itself is applied parsed, not linked from the document)."""
    return HTML(string=html, base_url=None, url_fetcher=StaticFilesFetcher()).write_pdf(
        stylesheets=[print_stylesheet()], font_config=font_configuration()
    )


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    return render_html(render_to_string(template_name, context))
