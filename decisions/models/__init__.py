"""Every model of the decisions app, importable from here as before the split."""

from decisions.models.audit import (
    AuditCheckpoint,
    AuditEntry,
    AuditTreeNode,
    AuditVerification,
    AuditVerifyRun,
)
from decisions.models.base import ImmutableModel, ImmutableQuerySet, ImmutableRecordError
from decisions.models.cases import Case, Person, ShareRequest
from decisions.models.decisions import SHARING_OUTCOMES, Decision, DecisionDraft
from decisions.models.exchange import (
    CaseUserObjectPermission,
    Chase,
    Complaint,
    Correction,
    Delivery,
    DeliveryFiling,
    DeliveryUserObjectPermission,
    DirectoryEntry,
    ExchangeAnswer,
    ExchangeRequest,
    Receipt,
)
from decisions.models.lifecycle import Approval, FollowUp, InfoResponse, ShareRecord
from decisions.models.reports import ReportMonth
from decisions.models.retention import LegalHold, RecordKind, RetentionBasis, RetentionSchedule
from decisions.models.sealing import DataKey

__all__ = [
    "SHARING_OUTCOMES",
    "Approval",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditTreeNode",
    "AuditVerification",
    "AuditVerifyRun",
    "Case",
    "CaseUserObjectPermission",
    "Chase",
    "Complaint",
    "Correction",
    "DataKey",
    "Decision",
    "DecisionDraft",
    "Delivery",
    "DeliveryFiling",
    "DeliveryUserObjectPermission",
    "DirectoryEntry",
    "ExchangeAnswer",
    "ExchangeRequest",
    "FollowUp",
    "ImmutableModel",
    "ImmutableQuerySet",
    "ImmutableRecordError",
    "InfoResponse",
    "LegalHold",
    "Person",
    "Receipt",
    "RecordKind",
    "ReportMonth",
    "RetentionBasis",
    "RetentionSchedule",
    "ShareRecord",
    "ShareRequest",
]
