"""Creating and revoking API clients (manage.py api_client). The audit log has no action
for these (its vocabulary is the decisions app's); the client row keeps when each happened."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, RefreshToken

from isg.accounts.models import Membership, Organisation, Role, User
from isg.api import scopes as vocabulary
from isg.api.models import ApiClient

ACCOUNT_PREFIX = "api."  # the service account's username: how the audit log names a client


class ClientError(ValueError):
    pass


@dataclass(frozen=True)
class NewClient:
    client: ApiClient
    client_secret: str  # shown once; the application keeps only its hash


def account_name(organisation: Organisation, name: str) -> str:
    base = f"{ACCOUNT_PREFIX}{slugify(organisation.name)}.{slugify(name)}"[:140]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}.{n}"
    return candidate


def roles_for(scopes: list[str]) -> list[str]:
    """The client reads and writes as a manager of its organisation does; a client with the
    audit scope also reads as its safeguarding lead (the audit log, restricted cases)."""
    roles: list[str] = [Role.MANAGER]
    if vocabulary.LEAD_SCOPES & set(scopes):
        roles.append(Role.LEAD)
    return roles


@transaction.atomic
def client_create(*, organisation: Organisation, name: str, scopes: str) -> NewClient:
    name = name.strip()
    if not name:
        raise ClientError("give the client a name")
    granted = vocabulary.parse(scopes)
    if ApiClient.objects.filter(organisation=organisation, name=name).exists():
        raise ClientError(f"{organisation} already has a client named {name!r}")
    account = User.objects.create_user(
        username=account_name(organisation, name),
        first_name="API client",
        last_name=name[:150],
        is_active=False,  # never signs in, never listed among the organisation's people
    )
    account.set_unusable_password()
    account.save()
    for role in roles_for(granted):
        Membership.objects.create(user=account, organisation=organisation, role=role)
    secret = generate_client_secret()
    application = Application(
        name=f"{organisation.name}: {name}"[:255],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,  # hashed on save (hash_client_secret)
        hash_client_secret=True,
    )
    application.save()
    client = ApiClient.objects.create(
        organisation=organisation, name=name, application=application, account=account,
        scopes=granted,
    )
    return NewClient(client=client, client_secret=secret)


@transaction.atomic
def client_revoke(*, client_id: str) -> ApiClient:
    """The client's tokens stop working at once; its account and history stay."""
    try:
        client = ApiClient.objects.select_for_update().select_related("application").get(
            application__client_id=client_id
        )
    except ApiClient.DoesNotExist:
        raise ClientError(f"no API client with client_id {client_id!r}") from None
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    RefreshToken.objects.filter(application=client.application).delete()
    AccessToken.objects.filter(application=client.application).delete()
    return client
