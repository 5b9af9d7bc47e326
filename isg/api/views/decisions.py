"""Decisions (with their PDF, FHIR bundle and proof of the audit entry) and follow-ups."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from decisions.audit import checkpoints
from decisions.audit.selectors import submission_entry
from decisions.lifecycle import selectors as lifecycle_rules
from decisions.models import Decision
from decisions.pdf.copies import decision_record_copy, pdf_response
from isg.api import audit, fhir, serializers
from isg.api.auth import account_of
from isg.api.responses import audited_list
from isg.api.scopes import read_scoped


def _decision(request: Request, decision_id: Any) -> Decision:
    return lifecycle_rules.get_decision_for(account_of(request), decision_id)


def _read_decision(request: Request, decision_id: Any, what: str) -> Decision:
    """The decision for the client's account (404 otherwise), its reading audited as `what`."""
    decision = _decision(request, decision_id)
    audit.read(request, what=what, obj=decision, case=decision.case)
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
        return audited_list(self, request, what="decision list")


class DecisionDetail(APIView):
    scopes_by_method = read_scoped("decisions:read")

    @extend_schema(responses=serializers.DecisionSerializer)
    def get(self, request: Request, decision_id: Any) -> Response:
        decision = _read_decision(request, decision_id, "decision record")
        return Response(serializers.DecisionSerializer(decision).data)


class DecisionFollowUps(APIView):
    scopes_by_method = read_scoped("decisions:read")

    @extend_schema(responses=serializers.FollowUpSerializer(many=True))
    def get(self, request: Request, decision_id: Any) -> Response:
        decision = _read_decision(request, decision_id, "follow-ups")
        rows = decision.follow_ups.select_related("owner")
        return Response(serializers.FollowUpSerializer(rows, many=True).data)


class DecisionPdf(APIView):
    """The decision record as the pages print it (redacted), audited as a download."""

    scopes_by_method = read_scoped("decisions:read")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, decision_id: Any) -> HttpResponse:
        decision = _decision(request, decision_id)
        content = decision_record_copy(decision, user=account_of(request), redacted=True, via="api")
        return pdf_response(content, f"decision-{decision.pk}.pdf")


class DecisionFhir(APIView):
    """The decision as a FHIR R4 Bundle: Consent, AuditEvent, Questionnaire and its
    QuestionnaireResponse, Provenance of the approval (isg/api/fhir.py)."""

    scopes_by_method = read_scoped("decisions:read")

    @extend_schema(responses={(200, "application/fhir+json"): OpenApiTypes.OBJECT})
    def get(self, request: Request, decision_id: Any) -> Response:
        decision = _read_decision(request, decision_id, "decision FHIR bundle")
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
