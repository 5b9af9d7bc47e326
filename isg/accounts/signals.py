"""Sign-in times in the session, and lockouts in the audit log (connected in apps.py)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from isg.accounts import security


@receiver(user_logged_in, dispatch_uid="isg_session_times")
def session_times(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        security.mark_password_entered(request, new_session=True)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    from decisions import audit
    from decisions.models import AuditEntry

    audit.record(
        action=AuditEntry.Action.LOCKED_OUT,
        actor=None,
        actor_label=str(username or "")[: audit.ACTOR_LABEL_MAX],
        organisation=None,
        snapshot={"ip_address": str(ip_address or ""), "username": str(username or "")[:150]},
    )
