"""Every change to a case's team is counted, so that no cached view of who may see which case
outlives it (`selectors.team_changed`)."""

from typing import Any

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from decisions.cases.selectors import team_changed
from decisions.models import Case


@receiver(m2m_changed, sender=Case.assigned.through)
def count_team_change(action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        team_changed()
