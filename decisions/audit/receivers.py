"""Sign-ins, sign-outs, failed sign-ins and lockouts go into the audit log (connected in
decisions/apps.py)."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from decisions.audit.record import ACTOR_LABEL_MAX, primary_organisation_id, record
from decisions.models import AuditEntry


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
        organisation=None,
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
        organisation=None,
        snapshot={"ip_address": str(ip_address or ""), "username": str(username or "")[:150]},
    )
