"""Passwords are hashed with Argon2 and weak ones are refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

import isg.settings as production
from isg.accounts.models import User


def test_production_hashes_new_passwords_with_argon2(db):
    # The test settings use a fast hasher; production's list is what deployments get.
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = User.objects.create_user("hashed", password="a long passphrase of words")
        assert user.password.startswith("argon2")
        assert user.check_password("a long passphrase of words")


@pytest.mark.parametrize(
    "weak",
    ["short1!", "password1234", "123456789012345", "hashed-user-hashed"],
    ids=["too-short", "common", "all-numbers", "like-the-username"],
)
def test_weak_passwords_are_refused(db, weak):
    user = User(username="hashed-user-hashed", email="hashed@example.org")
    with pytest.raises(ValidationError):
        validate_password(weak, user=user)


def test_a_long_uncommon_passphrase_is_accepted(db):
    validate_password("otter lantern quarry seventy", user=User(username="someone"))
