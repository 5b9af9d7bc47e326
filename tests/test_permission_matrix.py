"""Every URL × every role × own / other organisation, from one table.

A new URL cannot be added without rows here: `test_every_url_is_in_the_matrix`
walks the URL configuration and fails on any route the table does not name.
Other organisations' objects are always 404, never 403, so their existence
does not leak.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = [
    "anonymous",
    "practitioner",
    "unassigned",
    "manager",
    "lead",
    "admin",
    "other_practitioner",
    "other_manager",
    "other_lead",
    "other_admin",
]
OTHERS = [role for role in ROLES if role.startswith("other_")]


def expect(default: int, **overrides: int) -> dict[str, int]:
    """Expected status for every role: anonymous is sent to sign in unless overridden."""
    statuses = {role: default for role in ROLES}
    statuses["anonymous"] = 302
    statuses.update(overrides)
    return statuses


def case_url(name):
    return lambda w: reverse(name, args=[w.case.pk])


# url name -> (how to build the URL from the world, expected GET status per role)
MATRIX = {
    "login": (lambda w: reverse("login"), expect(302, anonymous=200)),
    "dashboard": (lambda w: reverse("dashboard"), expect(200)),
    "case_list": (lambda w: reverse("case_list"), expect(200)),
    "case_create": (
        lambda w: reverse("case_create"),
        expect(200, lead=404, admin=404, other_lead=404, other_admin=404),
    ),
    "case_detail": (
        case_url("case_detail"),
        expect(404, practitioner=200, manager=200, lead=200),
    ),
    "case_edit": (case_url("case_edit"), expect(404, practitioner=200, manager=200)),
    "person_add": (case_url("person_add"), expect(404, practitioner=200, manager=200)),
    "request_open": (case_url("request_open"), expect(404, practitioner=200, manager=200)),
    "request_detail": (
        lambda w: reverse("request_detail", args=[w.share_request.pk]),
        expect(404, practitioner=200, manager=200, lead=200),
    ),
    # Admin: only staff get in; an admin sees no case content unless another role allows it.
    "admin:index": (
        lambda w: reverse("admin:index"),
        expect(302, admin=200, other_admin=200),
    ),
    "admin:decisions_case_change": (
        lambda w: reverse("admin:decisions_case_change", args=[w.case.pk]),
        expect(302),
    ),
}

# Routes that are not pages of ours and are covered elsewhere.
NOT_IN_MATRIX = {"logout"}  # POST only; tests/accounts/test_sign_in.py


def _route_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    names = {name for name in _route_names(get_resolver().url_patterns)}
    ours = {name for name in names if not name.startswith("admin:")}
    missing = ours - set(MATRIX) - NOT_IN_MATRIX
    assert not missing, f"add permission-matrix rows for: {sorted(missing)}"


def test_every_row_names_every_role():
    for name, (_, statuses) in MATRIX.items():
        assert set(statuses) == set(ROLES), name


def test_other_organisations_never_get_in_to_object_urls():
    for name, (_, statuses) in MATRIX.items():
        if name in ("login", "dashboard", "case_list", "case_create", "admin:index"):
            continue
        for role in OTHERS:
            assert statuses[role] in (302, 404), (name, role)


CELLS = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CELLS, ids=[f"{n}-{r}" for n, r in CELLS])
def test_permission_matrix(world, client_for, name, role):
    build, statuses = MATRIX[name]
    client = client_for(None if role == "anonymous" else world.users[role])
    response = client.get(build(world))
    assert response.status_code == statuses[role], (name, role, response.status_code)
