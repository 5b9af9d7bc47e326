"""Frameworks, their versions, and the engine on posted facts (stateless)."""

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guidance import catalogue, engine
from isg.api import serializers
from isg.api.scopes import read_scoped


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
