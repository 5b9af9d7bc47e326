"""Create or revoke an API client.

    manage.py api_client create --organisation "Riverside Council" --name Mosaic \
        --scopes "cases:read cases:write requests:write decisions:read"
    manage.py api_client revoke CLIENT_ID
    manage.py api_client list

`create` prints the client_id and the client_secret: the secret is shown this once and
stored only as a hash.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from isg.accounts.models import Organisation
from isg.api import scopes
from isg.api.clients import ClientError, client_create, client_revoke
from isg.api.models import ApiClient


class Command(BaseCommand):
    help = "Create, revoke or list API clients (OAuth 2.0 client credentials)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="a new client; prints its id and secret once")
        create.add_argument("--organisation", required=True, metavar="NAME")
        create.add_argument("--name", required=True, metavar="LABEL")
        create.add_argument(
            "--scopes", required=True, help=f"space-separated, of: {' '.join(scopes.SCOPES)}"
        )
        revoke = sub.add_parser("revoke", help="end a client: its tokens stop working")
        revoke.add_argument("client_id")
        sub.add_parser("list", help="every client, with its scopes and state")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "revoke":
            try:
                client = client_revoke(client_id=options["client_id"])
            except ClientError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"revoked {client.name} ({client.organisation})")
        else:
            for client in ApiClient.objects.select_related("organisation", "application"):
                state = "revoked" if client.revoked_at else "active"
                self.stdout.write(
                    f"{client.client_id}  {client.organisation} / {client.name}  "
                    f"{' '.join(client.scopes)}  {state}"
                )

    def _create(self, options: dict[str, Any]) -> None:
        organisation = Organisation.objects.filter(name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"no organisation named {options['organisation']!r}")
        try:
            new = client_create(
                organisation=organisation, name=options["name"], scopes=options["scopes"]
            )
        except (ClientError, scopes.UnknownScope) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"client_id: {new.client.client_id}")
        self.stdout.write(f"client_secret: {new.client_secret}")
        self.stdout.write(f"scopes: {' '.join(new.client.scopes)}")
        self.stdout.write("The secret is shown once: keep it in the calling system's vault.")
