"""The audit entries the API writes for what it reads. Writes are audited by the services
themselves, with the client's account as the actor; reads of case content here."""

from typing import Any

from django.db import models
from rest_framework.request import Request

from decisions.audit.record import record
from decisions.models import AuditEntry, Case
from isg.api.auth import client_of


def read(
    request: Request, *, what: str, obj: models.Model | None = None, case: Case | None = None,
    **details: Any,
) -> AuditEntry:
    """One entry per call that reads case content, filed under the client's organisation."""
    client = client_of(request)
    return record(
        action=AuditEntry.Action.RECORD_VIEWED,
        actor=client.account,
        organisation=client.organisation_id,
        obj=obj,
        case=case,
        snapshot={"via": "api", "what": what, "client_id": client.client_id, **details},
    )
