from django.urls import reverse

from tests.factories import PASSWORD


def test_demo_user_can_sign_in_and_reaches_dashboard(world, client):
    response = client.post(
        reverse("login"), {"username": "practitioner", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert b"Sign out" in response.content


def test_wrong_password_shows_error_summary_and_keeps_username(world, client):
    response = client.post(reverse("login"), {"username": "practitioner", "password": "nope"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'value="practitioner"' in body


def test_sign_out_needs_post_and_ends_the_session(world, client):
    client.force_login(world.users["practitioner"])
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("dashboard")).status_code == 302


def test_an_overlong_username_is_a_form_error_not_a_crash(world, client):
    response = client.post(reverse("login"), {"username": "x" * 5000, "password": "whatever"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
