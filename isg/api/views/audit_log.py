"""The organisation's audit log for lead clients, keyset-paginated by sequence."""


from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions.audit.record import record
from decisions.audit.selectors import audit_entries_for
from decisions.models import AuditEntry
from isg.api import serializers
from isg.api.auth import account_of, client_of
from isg.api.scopes import read_scoped

AUDIT_PAGE = 100
AUDIT_READ = "audit log via api"
AUDIT_PAGE_MAX = 1000
SEQUENCE_MAX = 2**62  # beyond any sequence, within every database's integers


class AuditLog(APIView):
    """The organisation's audit entries in sequence order, `limit` at a time after the
    sequence number `after` (keyset: as fast on the millionth page as on the first)."""

    scopes_by_method = read_scoped("audit:read")

    @extend_schema(
        parameters=[
            OpenApiParameter("after", int, description="the last sequence already read"),
            OpenApiParameter("limit", int, description=f"at most {AUDIT_PAGE_MAX}"),
        ],
        responses=serializers.AuditPageSerializer,
    )
    def get(self, request: Request) -> Response:
        after, limit = self._int("after", 0), self._int("limit", AUDIT_PAGE)
        limit = max(1, min(limit, AUDIT_PAGE_MAX))
        client = client_of(request)
        entries = list(
            audit_entries_for(account_of(request))
            .filter(sequence__gt=after, organisation_id=client.organisation_id)
            .order_by("sequence")[: limit + 1]
        )
        more = len(entries) > limit
        entries = entries[:limit]
        if not all(self._own_read(entry, client.account_id) for entry in entries):
            # Recorded as an export is. A page of nothing but this client's own earlier
            # reads is not, or a client following the log would never reach its end.
            record(
                action=AuditEntry.Action.EXPORTED,
                actor=client.account,
                organisation=client.organisation_id,
                snapshot={"what": AUDIT_READ, "after": after, "count": len(entries),
                          "client_id": client.client_id},
            )
        page = {
            "entries": serializers.AuditEntrySerializer(entries, many=True).data,
            "next_after": entries[-1].sequence if more else None,
        }
        return Response(page)

    @staticmethod
    def _own_read(entry: AuditEntry, account_id: int) -> bool:
        return (
            entry.action == AuditEntry.Action.EXPORTED
            and entry.actor_id == account_id
            and (entry.snapshot or {}).get("what") == AUDIT_READ
        )

    def _int(self, name: str, default: int) -> int:
        raw = self.request.query_params.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            raise exceptions.ValidationError({name: ["A whole number."]}) from None
        if not 0 <= value <= SEQUENCE_MAX:
            raise exceptions.ValidationError({name: [f"From 0 to {SEQUENCE_MAX}."]})
        return value
