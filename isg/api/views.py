"""The API's endpoints: thin, like the pages. Every object is fetched through the pages'
selectors with the client's account, so a rule is decided in one place for both; every
change goes through the pages' services."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from decisions.audit import checkpoints
from decisions.audit.record import record
from decisions.audit.selectors import audit_entries_for, submission_entry
from decisions.cases import selectors as case_rules
from decisions.cases import services as case_services
from decisions.exchange import selectors as exchange_rules
from decisions.exchange import services as exchange_services
from decisions.lifecycle import selectors as lifecycle_rules
from decisions.lifecycle.services import NotNow
from decisions.models import AuditEntry, Case, Decision, ShareRequest
from guidance import catalogue, engine
from isg.accounts.models import Organisation, Role, User
from isg.api import audit, fhir, serializers
from isg.api.auth import account_of, client_of
from isg.api.models import WebhookEndpoint

AUDIT_PAGE = 100
AUDIT_READ = "audit log via api"
AUDIT_PAGE_MAX = 1000
SEQUENCE_MAX = 2**62  # beyond any sequence, within every database's integers


def handle_exception(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The services' refusals become clear 4xx answers, never a 500."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, NotNow):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return exception_handler(exc, context)


def read_scoped(scope: str) -> dict[str, list[str]]:
    return {"GET": [scope]}


# --- Cases ------------------------------------------------------------------------------------


class CaseList(generics.GenericAPIView):
    """Cases the client's organisation may read; `?reference=` finds one by its reference."""

    scopes_by_method = {"GET": ["cases:read"], "POST": ["cases:write"]}
    serializer_class = serializers.CaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        cases = case_rules.cases_for(account_of(self.request)).prefetch_related("assigned")
        reference = self.request.query_params.get("reference")
        if reference:
            if "\x00" in reference:  # PostgreSQL refuses NUL in a string: no case has one
                return cases.none()
            cases = cases.filter(reference__iexact=reference.strip())
        return cases.order_by("-created_at", "pk")

    @extend_schema(
        parameters=[OpenApiParameter("reference", str, description="exact, any case")],
        responses=serializers.CaseSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = page if page is not None else list(self.get_queryset())
        audit.read(request, what="case list", count=len(rows),
                   reference=request.query_params.get("reference", "")[:40])
        data = serializers.CaseSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=serializers.CaseCreateSerializer,
                   responses={201: serializers.CaseSerializer})
    def post(self, request: Request) -> Response:
        incoming = serializers.CaseCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        client = client_of(request)
        if Case.objects.filter(
            organisation=client.organisation, reference__iexact=values["reference"]
        ).exists():
            raise exceptions.ValidationError({"reference": ["A case with this reference exists."]})
        names = values.pop("assigned", [])
        team = list(
            User.objects.filter(
                username__in=names,
                memberships__organisation=client.organisation,
                memberships__role=Role.PRACTITIONER,
            ).distinct()
        )
        unknown = sorted(set(names) - {member.get_username() for member in team})
        if unknown:
            raise exceptions.ValidationError(
                {"assigned": [f"Not a practitioner of {client.organisation}: {', '.join(unknown)}"]}
            )
        case = case_services.case_create(
            user=client.account, organisation=client.organisation, assigned=team, **values
        )
        return Response(serializers.CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetail(APIView):
    scopes_by_method = read_scoped("cases:read")

    @extend_schema(responses=serializers.CaseSerializer)
    def get(self, request: Request, case_id: Any) -> Response:
        case = case_rules.get_case_for(account_of(request), case_id)
        audit.read(request, what="case", obj=case, case=case)
        return Response(serializers.CaseSerializer(case).data)


class CasePeople(APIView):
    scopes_by_method = {"GET": ["cases:read"], "POST": ["cases:write"]}

    @extend_schema(responses=serializers.PersonSerializer(many=True))
    def get(self, request: Request, case_id: Any) -> Response:
        case = case_rules.get_case_for(account_of(request), case_id)
        audit.read(request, what="people", obj=case, case=case)
        unredacted = case_rules.may_manage_access(account_of(request), case)
        people = serializers.PersonSerializer(
            case.people.all(), many=True, context={"unredacted": unredacted}
        )
        return Response(people.data)

    @extend_schema(request=serializers.PersonSerializer,
                   responses={201: serializers.PersonSerializer})
    def post(self, request: Request, case_id: Any) -> Response:
        case = case_rules.get_case_for(account_of(request), case_id, write=True)
        incoming = serializers.PersonSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        person = case_services.person_add(
            user=account_of(request), case=case, **incoming.validated_data
        )
        out = serializers.PersonSerializer(person, context={"unredacted": True})
        return Response(out.data, status=status.HTTP_201_CREATED)


def _with_decisions(requests: list[ShareRequest]) -> dict[str, Any]:
    return {"decisions": {r.pk: case_rules.current_decision(r) for r in requests}}


class CaseRequests(APIView):
    """The case's share requests; POST opens one, as the request page does."""

    scopes_by_method = {"GET": ["cases:read"], "POST": ["requests:write"]}

    @extend_schema(responses=serializers.ShareRequestSerializer(many=True))
    def get(self, request: Request, case_id: Any) -> Response:
        case = case_rules.get_case_for(account_of(request), case_id)
        audit.read(request, what="share requests", obj=case, case=case)
        rows = list(case_rules.requests_for(account_of(request)).filter(case=case))
        out = serializers.ShareRequestSerializer(rows, many=True, context=_with_decisions(rows))
        return Response(out.data)

    @extend_schema(request=serializers.ShareRequestSerializer,
                   responses={201: serializers.ShareRequestSerializer})
    def post(self, request: Request, case_id: Any) -> Response:
        case = case_rules.get_case_for(account_of(request), case_id, write=True)
        incoming = serializers.ShareRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        share_request = case_services.share_request_open(
            user=account_of(request), case=case, **incoming.validated_data
        )
        out = serializers.ShareRequestSerializer(share_request, context=_with_decisions([]))
        return Response(out.data, status=status.HTTP_201_CREATED)


class RequestDetail(APIView):
    """One share request and its status; `decision` is the id of the decision that stands."""

    scopes_by_method = read_scoped("cases:read")

    @extend_schema(responses=serializers.ShareRequestSerializer)
    def get(self, request: Request, request_id: Any) -> Response:
        share_request = case_rules.get_request_for(account_of(request), request_id)
        audit.read(request, what="share request", obj=share_request, case=share_request.case)
        out = serializers.ShareRequestSerializer(
            share_request, context=_with_decisions([share_request])
        )
        return Response(out.data)


# --- Exchange with other organisations --------------------------------------------------------


class Directory(APIView):
    """The organisations an exchange request may be sent to."""

    scopes_by_method = read_scoped("cases:read")

    @extend_schema(responses=serializers.DirectoryEntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        own = client_of(request).organisation_id
        entries = exchange_rules.directory().exclude(organisation_id=own)
        return Response(serializers.DirectoryEntrySerializer(entries, many=True).data)


class CaseExchanges(APIView):
    """Requests this case sent to other organisations; POST asks one (exchange_ask)."""

    scopes_by_method = {"GET": ["cases:read"], "POST": ["requests:write"]}

    @extend_schema(responses=serializers.ExchangeSerializer(many=True))
    def get(self, request: Request, case_id: Any) -> Response:
        case = case_rules.get_case_for(account_of(request), case_id)
        audit.read(request, what="exchange requests", obj=case, case=case)
        rows = exchange_rules.sent_for(account_of(request)).filter(from_case=case)
        return Response(serializers.ExchangeSerializer(
            rows.select_related("to_organisation"), many=True).data)

    @extend_schema(request=serializers.ExchangeSerializer,
                   responses={201: serializers.ExchangeSerializer})
    def post(self, request: Request, case_id: Any) -> Response:
        case = case_rules.get_case_for(account_of(request), case_id, write=True)
        incoming = serializers.ExchangeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        to = Organisation.objects.filter(pk=values.pop("to_organisation_id")).first()
        if to is None or not exchange_rules.askable_organisations(
            account_of(request), case.organisation_id
        ).filter(pk=to.pk).exists():
            raise exceptions.ValidationError(
                {"to_organisation": ["Ask an organisation in the directory, other than yours."]}
            )
        exchange = exchange_services.exchange_ask(
            user=account_of(request), case=case, to_organisation=to, **values
        )
        return Response(serializers.ExchangeSerializer(exchange).data,
                        status=status.HTTP_201_CREATED)


class ExchangeDetail(APIView):
    scopes_by_method = read_scoped("cases:read")

    @extend_schema(responses=serializers.ExchangeSerializer)
    def get(self, request: Request, exchange_id: Any) -> Response:
        exchange = exchange_rules.get_sent_for(account_of(request), exchange_id)
        audit.read(request, what="exchange request", obj=exchange, case=exchange.from_case)
        return Response(serializers.ExchangeSerializer(exchange).data)


# --- Decisions and follow-ups -----------------------------------------------------------------


def _decision(request: Request, decision_id: Any) -> Decision:
    decision = lifecycle_rules.get_decision_for(account_of(request), decision_id)
    return decision


class DecisionList(generics.GenericAPIView):
    scopes_by_method = read_scoped("decisions:read")
    serializer_class = serializers.DecisionSerializer

    def get_queryset(self) -> QuerySet[Decision]:
        return (
            lifecycle_rules.decisions_for(account_of(self.request))
            .select_related("case", "decided_by", "share_record__recorded_by")
            .prefetch_related("approvals__approver", "follow_ups__owner")
            .order_by("-decided_at", "pk")
        )

    @extend_schema(responses=serializers.DecisionSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = page if page is not None else list(self.get_queryset())
        audit.read(request, what="decision list", count=len(rows))
        data = serializers.DecisionSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class DecisionDetail(APIView):
    scopes_by_method = read_scoped("decisions:read")

    @extend_schema(responses=serializers.DecisionSerializer)
    def get(self, request: Request, decision_id: Any) -> Response:
        decision = _decision(request, decision_id)
        audit.read(request, what="decision record", obj=decision, case=decision.case)
        return Response(serializers.DecisionSerializer(decision).data)


class DecisionFollowUps(APIView):
    scopes_by_method = read_scoped("decisions:read")

    @extend_schema(responses=serializers.FollowUpSerializer(many=True))
    def get(self, request: Request, decision_id: Any) -> Response:
        decision = _decision(request, decision_id)
        audit.read(request, what="follow-ups", obj=decision, case=decision.case)
        rows = decision.follow_ups.select_related("owner")
        return Response(serializers.FollowUpSerializer(rows, many=True).data)


class DecisionPdf(APIView):
    """The decision record as the pages print it (redacted), audited as a download."""

    scopes_by_method = read_scoped("decisions:read")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, decision_id: Any) -> HttpResponse:
        from decisions.pdf.decision_record import render_decision_record  # WeasyPrint: slow

        decision = _decision(request, decision_id)
        entry = record(
            action=AuditEntry.Action.PDF_DOWNLOADED,
            actor=account_of(request),
            organisation=decision.organisation,
            obj=decision,
            case=decision.case,
            snapshot={"what": "decision record PDF", "redacted": True, "via": "api"},
        )
        content = render_decision_record(
            decision, user=account_of(request), redacted=True, copy_entry=entry
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="decision-{decision.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response


class DecisionFhir(APIView):
    """The decision as a FHIR R4 Bundle: Consent, AuditEvent, Questionnaire and its
    QuestionnaireResponse, Provenance of the approval (isg/api/fhir.py)."""

    scopes_by_method = read_scoped("decisions:read")

    @extend_schema(responses={(200, "application/fhir+json"): OpenApiTypes.OBJECT})
    def get(self, request: Request, decision_id: Any) -> Response:
        decision = _decision(request, decision_id)
        audit.read(request, what="decision FHIR bundle", obj=decision, case=decision.case)
        bundle = fhir.decision_bundle(decision, base_url=request.build_absolute_uri("/"))
        return Response(bundle, content_type="application/fhir+json")


class DecisionAuditProof(APIView):
    """The inclusion proof of the decision's submission: for lead clients (audit:read)."""

    scopes_by_method = read_scoped("audit:read")

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, decision_id: Any) -> Response:
        decision = _decision(request, decision_id)
        if not lifecycle_rules.may_unredact(account_of(request), decision):
            raise Http404("No such proof")
        entry = submission_entry(decision)
        document = checkpoints.proof_for(entry) if entry is not None else None
        if document is None:
            raise Http404("No proof yet")
        return Response(document)


class FollowUpList(generics.ListAPIView):
    scopes_by_method = read_scoped("decisions:read")
    serializer_class = serializers.FollowUpSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return (
            lifecycle_rules.follow_ups_for(account_of(self.request))
            .select_related("owner")
            .order_by("due_on", "created_at", "pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        audit.read(request, what="follow-up list")
        return response


# --- Frameworks and the engine ----------------------------------------------------------------


class FrameworkList(APIView):
    scopes_by_method = read_scoped("frameworks:read")

    @extend_schema(responses=serializers.FrameworkSummarySerializer(many=True))
    def get(self, request: Request) -> Response:
        latest = sorted(catalogue.latest(), key=lambda d: d["slug"])
        return Response(serializers.FrameworkSummarySerializer(latest, many=True).data)


def _definition(slug: str, version: str | None) -> dict[str, Any]:
    try:
        return catalogue.definition(slug, version)
    except catalogue.UnknownFramework as exc:
        raise Http404(str(exc)) from exc


class FrameworkDetail(APIView):
    """A framework version's definition, as stored (questions, rules, lawful bases…)."""

    scopes_by_method = read_scoped("frameworks:read")

    @extend_schema(
        parameters=[OpenApiParameter("version", str, description="default: the latest")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(_definition(slug, request.query_params.get("version") or None))


class Decide(APIView):
    """The engine on posted facts, stateless: nothing is stored or audited (no case)."""

    scopes_by_method = {"POST": ["frameworks:read"]}

    @extend_schema(request=serializers.DecideSerializer,
                   responses={200: serializers.EngineResultSerializer})
    def post(self, request: Request, slug: str) -> Response:
        incoming = serializers.DecideSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        definition = _definition(slug, incoming.validated_data.get("version"))
        try:
            result = engine.evaluate(definition, incoming.validated_data["facts"])
        except engine.EngineError as exc:
            raise exceptions.ValidationError({"facts": [" ".join(str(exc).split())]}) from exc
        return Response(result.as_dict())


# --- The audit log (lead clients) -------------------------------------------------------------


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



# --- Webhook endpoints: the client's own organisation's ----------------------------------------


def _endpoints(request: Request) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organisation_id=client_of(request).organisation_id)


class WebhookList(APIView):
    """The organisation's endpoints; POST registers one and returns its secret, once."""

    scopes_by_method = {"GET": ["webhooks:write"], "POST": ["webhooks:write"]}

    @extend_schema(responses=serializers.WebhookEndpointSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = _endpoints(request).filter(active=True)
        return Response(serializers.WebhookEndpointSerializer(rows, many=True).data)

    @extend_schema(request=serializers.WebhookEndpointSerializer,
                   responses={201: serializers.NewWebhookEndpointSerializer})
    def post(self, request: Request) -> Response:
        incoming = serializers.WebhookEndpointSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        endpoint = WebhookEndpoint.objects.create(
            organisation_id=client_of(request).organisation_id, **incoming.validated_data
        )
        return Response(serializers.NewWebhookEndpointSerializer(endpoint).data,
                        status=status.HTTP_201_CREATED)


class WebhookDetail(APIView):
    """One endpoint: DELETE stops sending to it (its delivery history stays)."""

    scopes_by_method = {"GET": ["webhooks:write"], "DELETE": ["webhooks:write"]}

    def _get(self, request: Request, endpoint_id: Any) -> WebhookEndpoint:
        endpoint = _endpoints(request).filter(pk=endpoint_id, active=True).first()
        if endpoint is None:
            raise Http404("No such endpoint")
        return endpoint

    @extend_schema(responses=serializers.WebhookEndpointSerializer)
    def get(self, request: Request, endpoint_id: Any) -> Response:
        return Response(serializers.WebhookEndpointSerializer(self._get(request, endpoint_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, endpoint_id: Any) -> Response:
        endpoint = self._get(request, endpoint_id)
        endpoint.active = False
        endpoint.save(update_fields=["active"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveries(APIView):
    """An endpoint's deliveries, newest first (the last 200), with their attempts."""

    scopes_by_method = {"GET": ["webhooks:write"]}

    @extend_schema(responses=serializers.WebhookDeliverySerializer(many=True))
    def get(self, request: Request, endpoint_id: Any) -> Response:
        endpoint = _endpoints(request).filter(pk=endpoint_id).first()
        if endpoint is None:
            raise Http404("No such endpoint")
        rows = endpoint.deliveries.order_by("-created_at")[:200]
        return Response(serializers.WebhookDeliverySerializer(rows, many=True).data)
