"""Sign-ins, sign-outs and failed sign-ins go into the audit log (connected in apps.py)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from decisions import audit
from decisions.models import AuditEntry


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def signed_in(sender, request, user, **kwargs):
    audit.record(
        action=AuditEntry.Action.SIGNED_IN,
        actor=user,
        organisation=audit.primary_organisation_id(user),
    )


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is None or not user.is_authenticated:
        return  # signing out when not signed in changes nothing
    audit.record(
        action=AuditEntry.Action.SIGNED_OUT,
        actor=user,
        organisation=audit.primary_organisation_id(user),
    )


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password; only the name that was tried is kept.
    attempted = str(credentials.get("username", ""))
    audit.record(
        action=AuditEntry.Action.SIGN_IN_FAILED,
        actor=None,
        actor_label=attempted[: audit.ACTOR_LABEL_MAX],
        organisation=None,
    )
