"""Deliveries follow their case's team: whoever is assigned to the recipient's case later is
granted what was delivered to it, and whoever leaves it loses that (connected in apps.py)."""

from typing import Any

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from decisions.exchange.access import grant_delivery, revoke_delivery
from decisions.models import Case, Delivery
from isg.accounts.models import User


@receiver(m2m_changed, sender=Case.assigned.through, dispatch_uid="exchange_follow_the_team")
def follow_the_team(
    sender: Any, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if not isinstance(instance, Case) or not pk_set or action not in ("post_add", "post_remove"):
        return
    deliveries = list(Delivery.objects.filter(to_case=instance))
    if not deliveries:
        return
    users = list(User.objects.filter(pk__in=pk_set).order_by("pk"))
    by = getattr(instance, "_history_user", None)  # set by the case services (changed_by)
    for delivery in deliveries:
        if action == "post_add":
            grant_delivery(delivery, instance, by=by, users=users)
        else:
            revoke_delivery(delivery, instance, by=by, users=users)
