"""Cases, the people on them, their share requests, and exchanges with other organisations."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions.cases import selectors as case_rules
from decisions.cases import services as case_services
from decisions.exchange import selectors as exchange_rules
from decisions.exchange import services as exchange_services
from decisions.models import Case, ShareRequest
from isg.accounts.models import Organisation, Role, User
from isg.api import audit, serializers
from isg.api.auth import account_of, client_of
from isg.api.scopes import read_scoped


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
