"""Who may do what, per organisation. One place, used by selectors and views."""

from isg.accounts.models import Membership, Organisation, Role, User

CASE_READERS = (Role.PRACTITIONER, Role.MANAGER, Role.LEAD)
CASE_WRITERS = (Role.PRACTITIONER, Role.MANAGER)


def roles_of(user: User) -> set[str]:
    """All roles a user holds, across organisations; cached on the user object."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_isg_roles", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("role", flat=True))
        user._isg_roles = cached
    return cached


def organisations_where(user: User, roles: tuple[str, ...]) -> list[int]:
    """Ids of the organisations in which the user holds one of `roles`."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, role__in=roles)
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def has_role(user: User, organisation: Organisation | int, roles: tuple[str, ...]) -> bool:
    organisation_id = getattr(organisation, "pk", organisation)
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role__in=roles
    ).exists()
