"""Cases, the people on them, their share requests, and exchanges with other organisations."""

from functools import partial
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions.cases import selectors as case_rules
from decisions.cases import services as case_services
from decisions.exchange import selectors as exchange_rules
from decisions.exchange import services as exchange_services
from decisions.models import Case, ExchangeRequest, ShareRequest
from isg.accounts.models import Organisation, Role, User
from isg.api import audit, serializers
from isg.api.auth import account_of, client_of
from isg.api.models import ApiClient
from isg.api.responses import audited_list, created
from isg.api.scopes import read_scoped


def _read_case(request: Request, case_id: Any, what: str) -> Case:
    """The case for the client's account (404 otherwise), its reading audited as `what`."""
    case = case_rules.get_case_for(account_of(request), case_id)
    audit.read(request, what=what, obj=case, case=case)
    return case


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
        reference = request.query_params.get("reference", "")[:40]
        return audited_list(self, request, what="case list", reference=reference)

    @extend_schema(request=serializers.CaseCreateSerializer,
                   responses={201: serializers.CaseSerializer})
    def post(self, request: Request) -> Response:
        return created(request, serializers.CaseCreateSerializer,
                       partial(_case_create, client_of(request)), out=serializers.CaseSerializer)


def _case_create(
    client: ApiClient, *, reference: str, assigned: list[str] | None = None, **values: Any
) -> Case:
    """case_create, once the reference is new in the client's organisation and everyone
    assigned is one of its practitioners (by username)."""
    if Case.objects.filter(organisation=client.organisation, reference__iexact=reference).exists():
        raise exceptions.ValidationError({"reference": ["A case with this reference exists."]})
    names = assigned or []
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
    return case_services.case_create(
        user=client.account, organisation=client.organisation, assigned=team,
        reference=reference, **values,
    )


class CaseDetail(APIView):
    scopes_by_method = read_scoped("cases:read")

    @extend_schema(responses=serializers.CaseSerializer)
    def get(self, request: Request, case_id: Any) -> Response:
        case = _read_case(request, case_id, "case")
        return Response(serializers.CaseSerializer(case).data)


class CasePeople(APIView):
    scopes_by_method = {"GET": ["cases:read"], "POST": ["cases:write"]}

    @extend_schema(responses=serializers.PersonSerializer(many=True))
    def get(self, request: Request, case_id: Any) -> Response:
        case = _read_case(request, case_id, "people")
        unredacted = case_rules.may_manage_access(account_of(request), case)
        people = serializers.PersonSerializer(
            case.people.all(), many=True, context={"unredacted": unredacted}
        )
        return Response(people.data)

    @extend_schema(request=serializers.PersonSerializer,
                   responses={201: serializers.PersonSerializer})
    def post(self, request: Request, case_id: Any) -> Response:
        case = case_rules.get_case_for(account_of(request), case_id, write=True)
        add = partial(case_services.person_add, user=account_of(request), case=case)
        return created(request, serializers.PersonSerializer, add, context={"unredacted": True})


def _with_decisions(requests: list[ShareRequest]) -> dict[str, Any]:
    return {"decisions": {r.pk: case_rules.current_decision(r) for r in requests}}


class CaseRequests(APIView):
    """The case's share requests; POST opens one, as the request page does."""

    scopes_by_method = {"GET": ["cases:read"], "POST": ["requests:write"]}

    @extend_schema(responses=serializers.ShareRequestSerializer(many=True))
    def get(self, request: Request, case_id: Any) -> Response:
        case = _read_case(request, case_id, "share requests")
        rows = list(case_rules.requests_for(account_of(request)).filter(case=case))
        out = serializers.ShareRequestSerializer(rows, many=True, context=_with_decisions(rows))
        return Response(out.data)

    @extend_schema(request=serializers.ShareRequestSerializer,
                   responses={201: serializers.ShareRequestSerializer})
    def post(self, request: Request, case_id: Any) -> Response:
        case = case_rules.get_case_for(account_of(request), case_id, write=True)
        open_one = partial(case_services.share_request_open, user=account_of(request), case=case)
        return created(request, serializers.ShareRequestSerializer, open_one,
                       context=_with_decisions([]))


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
        case = _read_case(request, case_id, "exchange requests")
        rows = exchange_rules.sent_for(account_of(request)).filter(from_case=case)
        return Response(serializers.ExchangeSerializer(
            rows.select_related("to_organisation"), many=True).data)

    @extend_schema(request=serializers.ExchangeSerializer,
                   responses={201: serializers.ExchangeSerializer})
    def post(self, request: Request, case_id: Any) -> Response:
        case = case_rules.get_case_for(account_of(request), case_id, write=True)
        ask = partial(_exchange_ask, account_of(request), case)
        return created(request, serializers.ExchangeSerializer, ask)


def _exchange_ask(
    account: User, case: Case, *, to_organisation_id: int, **values: Any
) -> ExchangeRequest:
    """exchange_ask, once the organisation asked is in the directory and not the case's own."""
    to = Organisation.objects.filter(pk=to_organisation_id).first()
    if to is None or not exchange_rules.askable_organisations(
        account, case.organisation_id
    ).filter(pk=to.pk).exists():
        raise exceptions.ValidationError(
            {"to_organisation": ["Ask an organisation in the directory, other than yours."]}
        )
    return exchange_services.exchange_ask(user=account, case=case, to_organisation=to, **values)


class ExchangeDetail(APIView):
    scopes_by_method = read_scoped("cases:read")

    @extend_schema(responses=serializers.ExchangeSerializer)
    def get(self, request: Request, exchange_id: Any) -> Response:
        exchange = exchange_rules.get_sent_for(account_of(request), exchange_id)
        audit.read(request, what="exchange request", obj=exchange, case=exchange.from_case)
        return Response(serializers.ExchangeSerializer(exchange).data)
