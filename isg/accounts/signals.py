"""Sign-in times in the session (connected in apps.py); the audit log's receivers are in
decisions/audit/receivers.py."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver
from django.http import HttpRequest

from isg.accounts import security
from isg.accounts.models import User

# Sent by the two-factor pages (views.py), with `user`; the audit log records them
# (decisions/audit/receivers.py), since accounts may not import the audit log itself.
two_factor_enabled = Signal()
recovery_codes_generated = Signal()


@receiver(user_logged_in, dispatch_uid="isg_session_times")
def session_times(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    if request is not None and hasattr(request, "session"):
        security.mark_password_entered(request, new_session=True)
