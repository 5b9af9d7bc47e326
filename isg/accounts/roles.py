"""Who may do what, per organisation. One place, used by selectors and views."""

from typing import cast

from django.http import HttpRequest

from isg.accounts.models import Membership, Organisation, Role, User

CASE_READERS = (Role.PRACTITIONER, Role.MANAGER, Role.LEAD)
CASE_WRITERS = (Role.PRACTITIONER, Role.MANAGER)


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a view behind login_required, typed as ISG's User.

    django-stubs types request.user as User | AnonymousUser; these views never see the second.
    """
    return cast(User, request.user)


def _memberships(user: User) -> list[tuple[int, str]]:
    """(organisation id, role) of each membership, in the organisations' name order.

    One query per request, not one per call: a page asks who the user is up to ten times
    (the two-factor check, the header, each selector). The cache lives on the user object,
    which each request loads afresh.
    """
    memberships = getattr(user, "_isg_memberships", None)
    if memberships is None:
        memberships = list(
            Membership.objects.filter(user=user)
            .order_by("organisation__name", "role")
            .values_list("organisation_id", "role")
        )
        user._isg_memberships = memberships  # type: ignore[attr-defined]  # per-request cache
    return memberships


def roles_of(user: User) -> set[str]:
    """All roles a user holds, across organisations."""
    if not user.is_authenticated:
        return set()
    return {role for _, role in _memberships(user)}


def organisations_where(user: User, roles: tuple[str, ...]) -> list[int]:
    """Ids of the organisations in which the user holds one of `roles`."""
    if not user.is_authenticated:
        return []
    wanted = set(roles)
    # In the organisations' name order, as before: callers take the first as the default.
    found = [organisation_id for organisation_id, role in _memberships(user) if role in wanted]
    return list(dict.fromkeys(found))


def has_role(user: User, organisation: Organisation | int, roles: tuple[str, ...]) -> bool:
    """Whether the user holds one of `roles` in the organisation: asked of the memberships the
    request has already loaded, like organisations_where."""
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return organisation_id in organisations_where(user, roles)
