"""Sign-ins, sign-outs, failed sign-ins, lockouts and changes to two-factor go into the audit
log (connected in decisions/apps.py).

A failed sign-in or lockout for a username that exists is filed under that user's first
organisation, so that its safeguarding lead sees it; a name that matches nobody stays with
no organisation.
"""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions.audit.record import ACTOR_LABEL_MAX, primary_organisation_id, record
from decisions.models import AuditEntry
from isg.accounts import signals as account_signals


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(
        action=AuditEntry.Action.SIGNED_IN,
        actor=user,
        organisation=primary_organisation_id(user),
    )


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None or not user.is_authenticated:
        return  # signing out when not signed in changes nothing
    record(
        action=AuditEntry.Action.SIGNED_OUT,
        actor=user,
        organisation=primary_organisation_id(user),
    )


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def sign_in_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # Django has already masked the password; only the name that was tried is kept.
    attempted = str(credentials.get("username", ""))
    record(
        action=AuditEntry.Action.SIGN_IN_FAILED,
        actor=None,
        actor_label=attempted[: ACTOR_LABEL_MAX],
        organisation=_organisation_of_username(attempted),
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def locked_out(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    record(
        action=AuditEntry.Action.LOCKED_OUT,
        actor=None,
        actor_label=str(username or "")[:ACTOR_LABEL_MAX],
        organisation=_organisation_of_username(str(username or "")),
        snapshot={"ip_address": str(ip_address or ""), "username": str(username or "")[:150]},
    )


def _organisation_of_username(username: str) -> int | None:
    """The organisation whose lead should hear of a failure for this name, if it is a user's."""
    if not username:
        return None
    user = get_user_model().objects.filter(username__iexact=username).first()
    return primary_organisation_id(user) if user is not None else None


@receiver(account_signals.two_factor_enabled, dispatch_uid="audit_two_factor_enabled")
def two_factor_enabled(sender: Any, user: Any, **kwargs: Any) -> None:
    _about_account(
        AuditEntry.Action.TWO_FACTOR_ENABLED,
        user,
        actor=user,
        snapshot={"device": "authenticator app"},
    )


@receiver(account_signals.recovery_codes_generated, dispatch_uid="audit_recovery_codes")
def recovery_codes_generated(sender: Any, user: Any, **kwargs: Any) -> None:
    _about_account(AuditEntry.Action.RECOVERY_CODES_GENERATED, user, actor=user)


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="audit_two_factor_reset")
def two_factor_reset(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    """An authenticator removed (an administrator's reset, in the admin or the shell).

    Who removed it is not known to a model signal; the entry names whose it was.
    """
    if not instance.confirmed:
        return  # an abandoned set-up, not a reset
    user = instance.user
    _about_account(
        AuditEntry.Action.TWO_FACTOR_RESET,
        user,
        actor=None,
        snapshot={"user": user.get_username(), "device": "authenticator app"},
    )


def _about_account(action: str, user: Any, *, actor: Any, **fields: Any) -> None:
    """An entry about a user's account (its two-factor), filed under their first
    organisation. The user's id is written as such: `user` may be a request's lazy user."""
    record(
        action=action,
        actor=actor,
        organisation=primary_organisation_id(user),
        obj_type="User",
        obj_id=str(user.pk),
        **fields,
    )
