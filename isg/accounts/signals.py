"""Sign-in times in the session (connected in apps.py); the audit log's receivers are in
decisions/audit/receivers.py."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from isg.accounts import security


@receiver(user_logged_in, dispatch_uid="isg_session_times")
def session_times(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        security.mark_password_entered(request, new_session=True)
