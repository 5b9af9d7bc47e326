from django.http import HttpRequest

from isg.accounts.roles import roles_of


def membership(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_roles": roles_of(user)}
