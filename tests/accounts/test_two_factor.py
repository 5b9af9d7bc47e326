"""Managers, leads and admins pass a second factor before any page; practitioners may opt in."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.otp_support import current_code, give_totp_device

VERIFY = reverse("two_factor_verify")
SETUP = reverse("two_factor_setup")


def _code_for_secret(page: str) -> str:
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    return str(totp(base64.b32decode(secret))).zfill(6)


@pytest.mark.parametrize("name", ["manager", "lead", "admin"])
def test_roles_that_need_it_are_sent_to_set_it_up_first(world, client, name):
    client.force_login(world.users[name], verified=False)
    response = client.get(reverse("case_list"))
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2Fcases%2F"


@pytest.mark.parametrize("name", ["manager", "lead", "admin"])
def test_roles_with_a_device_are_asked_for_a_code(world, client, name):
    give_totp_device(world.users[name])
    client.force_login(world.users[name], verified=False)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_unverified_admin_cannot_reach_django_admin(world, client):
    give_totp_device(world.users["admin"])
    client.force_login(world.users["admin"], verified=False)
    assert client.get(reverse("admin:index")).url.startswith(VERIFY)


def test_practitioners_do_not_need_it(world, client):
    client.force_login(world.users["practitioner"], verified=False)
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_practitioner_who_opted_in_is_asked_for_a_code(world, client):
    give_totp_device(world.users["practitioner"])
    client.force_login(world.users["practitioner"], verified=False)
    assert client.get(reverse("dashboard")).url.startswith(VERIFY)


def test_an_unverified_user_can_still_sign_out(world, client):
    give_totp_device(world.users["manager"])
    client.force_login(world.users["manager"], verified=False)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")


def test_sign_in_then_code_reaches_the_page_asked_for(world, client):
    device = give_totp_device(world.users["lead"])
    response = client.post(
        f"{reverse('login')}?next=/audit/",
        {"username": "lead", "password": PASSWORD, "next": "/audit/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2Faudit%2F"
    assert "Enter your code" in response.content.decode()
    response = client.post(VERIFY, {"token": current_code(device), "next": "/audit/"})
    assert response.status_code == 302 and response.url == "/audit/"
    assert client.get("/audit/").status_code == 200


def test_a_wrong_code_shows_an_error_and_keeps_them_out(world, client):
    give_totp_device(world.users["manager"])
    client.force_login(world.users["manager"], verified=False)
    response = client.post(VERIFY, {"token": "000000"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "The code is not right" in body
    assert client.get(reverse("dashboard")).url.startswith(VERIFY)


def test_repeated_wrong_codes_are_throttled(world, client):
    device = give_totp_device(world.users["manager"])
    client.force_login(world.users["manager"], verified=False)
    for _ in range(5):
        client.post(VERIFY, {"token": "000000"})
    code = str(totp(device.bin_key)).zfill(6)  # right, but too soon after the failures
    assert client.post(VERIFY, {"token": code}).status_code == 200
    assert client.get(reverse("dashboard")).url.startswith(VERIFY)


def test_the_code_page_does_not_redirect_off_site(world, client):
    device = give_totp_device(world.users["manager"])
    client.force_login(world.users["manager"], verified=False)
    response = client.post(VERIFY, {"token": current_code(device), "next": "https://evil.example/"})
    assert response.url == reverse("dashboard")


def test_set_up_shows_a_qr_code_and_the_key_then_ten_recovery_codes_once(world, client):
    manager = world.users["manager"]
    client.force_login(manager, verified=False)
    page = client.get(SETUP)
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and 'role="img"' in body and "<title" in body
    assert "style=" not in body and "<script>" not in body
    response = client.post(SETUP, {"token": _code_for_secret(body), "next": "/cases/"})
    assert response.status_code == 302 and response.url.startswith(
        reverse("two_factor_recovery_codes")
    )
    codes_page = client.get(response.url).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", codes_page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/cases/"' in codes_page
    # Shown once only.
    assert client.get(reverse("two_factor_recovery_codes")).status_code == 302
    assert TOTPDevice.objects.get(user=manager).confirmed
    assert client.get(reverse("dashboard")).status_code == 200  # verified by the set-up


def test_set_up_refuses_a_wrong_code(world, client):
    client.force_login(world.users["manager"], verified=False)
    client.get(SETUP)
    response = client.post(SETUP, {"token": "12345"})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.users["manager"], confirmed=True).exists()


def test_a_recovery_code_works_once(world, client):
    manager = world.users["manager"]
    give_totp_device(manager)
    device = StaticDevice.objects.create(user=manager, name="Recovery codes")
    device.token_set.create(token="abcd1234")
    client.force_login(manager, verified=False)
    response = client.post(VERIFY, {"token": "abcd 1234"})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("logout"))
    client.force_login(manager, verified=False)
    assert client.post(VERIFY, {"token": "abcd1234"}).status_code == 200


def test_practitioner_can_opt_in_from_account_security(world, client):
    practitioner = world.users["practitioner"]
    client.force_login(practitioner)
    page = client.get(reverse("account_security")).content.decode()
    assert "Turn on two-factor authentication" in page
    body = client.get(SETUP).content.decode()
    client.post(SETUP, {"token": _code_for_secret(body)})
    assert (
        "Two-factor authentication is on"
        in client.get(reverse("account_security")).content.decode()
    )
    # From now on their sign-ins ask for a code too.
    client.post(reverse("logout"))
    client.force_login(practitioner, verified=False)
    assert client.get(reverse("dashboard")).url.startswith(VERIFY)


def test_set_up_is_not_offered_twice(world, client):
    client.force_login(world.users["lead"])  # has a device already
    assert client.get(SETUP).url == reverse("account_security")
