"""Exporting (and, later, approving) needs a password typed in the last 15 minutes."""

import datetime
import time

from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from isg.accounts import security
from isg.accounts.security import recent_auth_required
from tests.factories import PASSWORD

EXPORT = reverse("audit_export")
CONFIRM = reverse("confirm_password")


def _password_typed(client, seconds_ago: float) -> None:
    session = client.session
    session[security.AUTH_TIME] = time.time() - seconds_ago
    session.save()


def test_export_right_after_sign_in_is_allowed(world, client_for):
    assert client_for(world.users["lead"]).get(EXPORT).status_code == 200


def test_export_after_fifteen_minutes_asks_for_the_password(world, client_for):
    client = client_for(world.users["lead"])
    _password_typed(client, 16 * 60)
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response.url == f"{CONFIRM}?next=%2Faudit%2Fexport.csv"


def test_confirming_the_password_returns_to_the_export(world, client_for):
    client = client_for(world.users["lead"])
    _password_typed(client, 16 * 60)
    page = client.get(f"{CONFIRM}?next={EXPORT}")
    assert "Confirm your password" in page.content.decode()
    response = client.post(CONFIRM, {"password": PASSWORD, "next": EXPORT})
    assert response.status_code == 302 and response.url == EXPORT
    assert client.get(EXPORT).status_code == 200


def test_a_wrong_password_is_refused_with_an_error(world, client_for):
    client = client_for(world.users["lead"])
    _password_typed(client, 16 * 60)
    response = client.post(CONFIRM, {"password": "not it", "next": EXPORT})
    assert response.status_code == 200
    assert "The password is not right" in response.content.decode()
    assert client.get(EXPORT).status_code == 302


def test_confirming_does_not_redirect_off_site(world, client_for):
    client = client_for(world.users["lead"])
    response = client.post(CONFIRM, {"password": PASSWORD, "next": "//evil.example/"})
    assert response.url == reverse("dashboard")


def test_the_decorator_takes_its_own_limit(world):
    @recent_auth_required(max_age=datetime.timedelta(minutes=2))
    def approve(request):
        return HttpResponse("approved")

    request = RequestFactory().post("/approve/")
    request.user = world.users["manager"]
    request.session = {security.AUTH_TIME: time.time() - 60}
    assert approve(request).status_code == 200
    request.session = {security.AUTH_TIME: time.time() - 180}
    assert approve(request).status_code == 302
    request.session = {}
    assert approve(request).status_code == 302


def test_the_verdict_page_asks_for_the_password_before_the_form_is_shown(world, client_for):
    from decisions.models import Approval

    url = reverse("approval_verdict", args=[world.decision.pk])
    client = client_for(world.users["manager"])
    _password_typed(client, 16 * 60)
    shown = client.get(url)
    assert shown.status_code == 302 and shown.url.startswith(CONFIRM)
    posted = client.post(url, {"verdict": "approved"})
    assert posted.status_code == 302 and posted.url.startswith(CONFIRM)
    assert not Approval.objects.filter(decision=world.decision).exists()
