"""What the API reads and writes. Output comes from model attributes (never raw columns), so
what the pages show and what the API returns are the same values; input is validated here
and then handed to the services the pages use."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from decisions.models import (
    AuditEntry,
    Case,
    Decision,
    ExchangeRequest,
    FollowUp,
    Person,
    ShareRecord,
    ShareRequest,
)
from isg.api.models import WebhookDelivery, WebhookEndpoint


class CaseSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    assigned = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id", "reference", "organisation", "summary", "is_closed", "restricted",
            "assigned", "created_at",
        ]
        read_only_fields = fields

    def get_assigned(self, case: Case) -> list[str]:
        return sorted(member.get_username() for member in case.assigned.all())


class CaseCreateSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40)
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    child_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    child_date_of_birth = serializers.DateField(required=False, allow_null=True)
    assigned = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, max_length=50,
        help_text="Usernames of the organisation's practitioners to assign.",
    )


class PersonSerializer(serializers.ModelSerializer):
    """Someone whose identity is protected is named by their relationship only, as on the
    redacted PDF; the safeguarding lead's clients see the name (lifecycle.may_unredact)."""

    class Meta:
        model = Person
        fields = [
            "id", "name", "relationship", "date_of_birth", "notes", "protect_identity",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"notes": {"required": False}}

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data = super().to_representation(instance)
        if instance.protect_identity and not self.context.get("unredacted"):
            data["name"] = instance.role_label
            data["date_of_birth"] = None
            data["notes"] = ""
        return data


class ShareRequestSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    decision = serializers.SerializerMethodField()

    class Meta:
        model = ShareRequest
        fields = [
            "id", "case", "direction", "counterpart_agency", "counterpart_contact",
            "counterpart_role", "purpose", "information_requested", "urgency", "received_on",
            "due_on", "status", "decision", "created_at",
        ]
        read_only_fields = ["id", "case", "status", "decision", "created_at"]

    def get_decision(self, share_request: ShareRequest) -> str | None:
        """The decision that stands on the request (its id), once one is submitted."""
        decision = self.context.get("decisions", {}).get(share_request.pk)
        return str(decision.pk) if decision is not None else None


class ExchangeSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    from_case = serializers.UUIDField(source="from_case_id", read_only=True)
    to_organisation = serializers.IntegerField(source="to_organisation_id")
    to_organisation_name = serializers.CharField(source="to_organisation.name", read_only=True)

    class Meta:
        model = ExchangeRequest
        fields = [
            "id", "reference", "from_case", "to_organisation", "to_organisation_name",
            "purpose", "information_requested", "urgency", "due_on", "status", "asked_at",
        ]
        read_only_fields = ["id", "reference", "from_case", "status", "asked_at"]


class DirectoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="organisation.pk")
    name = serializers.CharField(source="organisation.name")
    kind = serializers.CharField()


class ApprovalSerializer(serializers.Serializer):
    verdict = serializers.CharField()
    approver = serializers.CharField(source="approver.username")
    reasons = serializers.CharField()
    created_at = serializers.DateTimeField()


class ShareRecordSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username")

    class Meta:
        model = ShareRecord
        fields = [
            "shared", "what_was_shared", "shared_with", "shared_on", "method",
            "not_shared_reasons", "requester_told", "requester_told_how", "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    decision = serializers.UUIDField(source="decision_id", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    is_done = serializers.BooleanField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id", "case", "decision", "action", "owner", "due_on", "done_at", "is_done",
            "is_overdue", "created_at",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    share_request = serializers.UUIDField(source="share_request_id", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True)
    supersedes = serializers.UUIDField(source="supersedes_id", read_only=True, allow_null=True)
    approval = serializers.SerializerMethodField()
    share_record = serializers.SerializerMethodField()
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id", "case", "case_reference", "share_request", "framework", "framework_version",
            "recommendation", "outcome", "override_reason", "requires_approval", "consent",
            "lawful_basis", "rationale", "decided_by", "decided_at", "supersedes", "approval",
            "share_record", "follow_ups",
        ]
        read_only_fields = fields

    @extend_schema_field(ApprovalSerializer(allow_null=True))
    def get_approval(self, decision: Decision) -> dict[str, Any] | None:
        final = next((a for a in decision.approvals.all() if a.is_final), None)
        return ApprovalSerializer(final).data if final else None

    @extend_schema_field(ShareRecordSerializer(allow_null=True))
    def get_share_record(self, decision: Decision) -> dict[str, Any] | None:
        record = getattr(decision, "share_record", None)
        return ShareRecordSerializer(record).data if record else None


class DecideSerializer(serializers.Serializer):
    facts = serializers.DictField(help_text="Canonical facts by name (DESIGN §4).")
    version = serializers.CharField(
        required=False, max_length=20, help_text="A version of the framework (default: latest)."
    )


class EngineResultSerializer(serializers.Serializer):
    framework = serializers.CharField()
    version = serializers.CharField()
    recommendation = serializers.CharField()
    requires_approval = serializers.BooleanField()
    must_record = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    next_question = serializers.CharField(allow_null=True)
    ignored_facts = serializers.ListField(child=serializers.CharField())
    rule = serializers.CharField(allow_null=True)


class FrameworkSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    version = serializers.CharField()
    title = serializers.CharField()
    jurisdiction = serializers.CharField()
    effective_date = serializers.CharField()


class AuditEntrySerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    case = serializers.UUIDField(source="case_id", allow_null=True)

    class Meta:
        model = AuditEntry
        fields = [
            "sequence", "created_at", "actor_label", "organisation", "action", "object_type",
            "object_id", "case", "outcome", "snapshot", "prev_hash", "entry_hash",
        ]
        read_only_fields = fields


class AuditPageSerializer(serializers.Serializer):
    entries = AuditEntrySerializer(many=True)
    next_after = serializers.IntegerField(
        allow_null=True, help_text="Pass as ?after= for the next page; null at the end."
    )


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEndpoint.Event.choices),
        required=False, max_length=len(WebhookEndpoint.Event.choices),
        help_text="Event types to send; every event if empty.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "description", "active", "created_at"]
        read_only_fields = ["id", "active", "created_at"]

    def validate_url(self, url: str) -> str:
        if not url.startswith("https://"):
            raise serializers.ValidationError("Use an https:// address.")
        return url


class NewWebhookEndpointSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown this once: keep it.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "message_id", "event", "status", "attempts", "last_status_code",
            "last_error", "next_attempt_at", "delivered_at", "created_at",
        ]
        read_only_fields = fields
