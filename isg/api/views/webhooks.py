"""The client's own organisation's webhook endpoints and their deliveries."""

from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from isg.api import serializers
from isg.api.auth import client_of
from isg.api.models import WebhookEndpoint
from isg.api.responses import created


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
        register = partial(
            WebhookEndpoint.objects.create, organisation_id=client_of(request).organisation_id
        )
        return created(request, serializers.WebhookEndpointSerializer, register,
                       out=serializers.NewWebhookEndpointSerializer)


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
