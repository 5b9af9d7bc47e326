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
from decisions.models.lifecycle import Approval, FollowUp, InfoResponse, ShareRecord

__all__ = [
    "SHARING_OUTCOMES",
    "Approval",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditTreeNode",
    "AuditVerification",
    "AuditVerifyRun",
    "Case",
    "Decision",
    "DecisionDraft",
    "FollowUp",
    "ImmutableModel",
    "ImmutableQuerySet",
    "ImmutableRecordError",
    "InfoResponse",
    "Person",
    "ShareRecord",
    "ShareRequest",
]
