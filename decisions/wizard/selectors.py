"""Whose drafts a user may open: a draft is its owner's alone."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from decisions.cases.selectors import cases_writable_by
from decisions.models import DecisionDraft
from isg.accounts.models import User


def drafts_for(user: User) -> QuerySet[DecisionDraft]:
    """The user's own unsubmitted drafts, on cases they can still change."""
    return DecisionDraft.objects.filter(
        owner=user,
        decision__isnull=True,
        share_request__case__in=cases_writable_by(user),
    ).select_related("share_request", "share_request__case")


def get_draft_for(user: User, draft_id: Any) -> DecisionDraft:
    """A draft is its owner's alone: anyone else gets 404."""
    try:
        return (
            DecisionDraft.objects.filter(
                owner=user, share_request__case__in=cases_writable_by(user)
            )
            .select_related(
                "share_request", "share_request__case", "share_request__case__organisation"
            )
            .get(pk=draft_id)
        )
    except DecisionDraft.DoesNotExist as exc:
        raise Http404("No such draft") from exc
