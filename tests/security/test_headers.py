"""Security headers on every page: CSP, HSTS, nosniff, referrer policy, no framing."""

from django.urls import reverse

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _policy(header: str) -> dict[str, str]:
    directives = [part.strip() for part in header.split(";") if part.strip()]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in directives}


def test_every_page_has_the_strict_content_security_policy(world, client_for):
    client = client_for(world.users["practitioner"])
    for url in (
        reverse("login"),
        reverse("dashboard"),
        reverse("case_detail", args=[world.case.pk]),
    ):
        response = client.get(url)
        assert _policy(response["Content-Security-Policy"]) == EXPECTED_CSP, url


def test_https_responses_carry_hsts_and_the_other_headers(db, client):
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_csrf_cookie_is_secure(db, client):
    response = client.get(reverse("login"), secure=True)
    assert response.cookies["csrftoken"]["secure"]
