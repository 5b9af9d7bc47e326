"""A decision as a FHIR R4 Bundle, for a health record to take in.

- `Consent`: the sharing decision (provision permit or deny), the lawful basis as its
  policy rule, the framework version as its policy, the child's pseudonymous case
  reference as the patient.
- `AuditEvent`: the disclosure, when the share record says information was shared,
  following IHE Basic Audit Log Patterns (the privacy-disclosure pattern, source side).
- `Questionnaire` (generated from the framework version's questions) and the
  `QuestionnaireResponse` of the answers the decision was made on.
- `Provenance`: the manager's approval (or rejection) of the Consent.

Built as plain dicts and validated with fhir.resources' R4B models (R4B changed none of
these resources from R4) before they leave, so an invalid bundle is a bug caught here.
"""

from typing import Any
from uuid import UUID, uuid5

from fhir.resources.R4B.bundle import Bundle

from decisions.models import Approval, Decision
from guidance import catalogue

SHARES = {"share", "share_without_consent", "share_deidentified"}
NAMESPACE = UUID("6f1c7c52-8a53-4d6a-9d0b-7a1b1e1f2a10")
BALP_DISCLOSURE = (
    "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PrivacyDisclosure.Source"
)
DCM = "http://dicom.nema.org/resources/ontology/DCM"


def _urn(*parts: object) -> str:
    """A stable urn:uuid for a resource of this decision (the same on every export)."""
    return f"urn:uuid:{uuid5(NAMESPACE, '/'.join(str(p) for p in parts))}"


def _instant(value: Any) -> str:
    return value.isoformat()


def _system(base_url: str, *path: str) -> str:
    return base_url.rstrip("/") + "/fhir/" + "/".join(path)


def _answer_item(question: dict[str, Any], value: Any) -> dict[str, Any] | None:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, str):
        label = question.get("answers", {}).get(value, value)
        return {"valueCoding": {"code": value, "display": label}}
    if isinstance(value, int | float):
        return {"valueString": str(value)}
    return None


def _is_boolean(question: dict[str, Any]) -> bool:
    return set(question.get("answers", {})) == {"true", "false"}


def questionnaire(definition: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The framework version's questions as a Questionnaire (one item per question)."""
    items = []
    for question in definition["questions"]:
        item: dict[str, Any] = {
            "linkId": question["id"],
            "text": question["text"],
            "type": "boolean" if _is_boolean(question) else "choice",
        }
        if not _is_boolean(question):
            item["answerOption"] = [
                {"valueCoding": {"code": code, "display": label}}
                for code, label in question.get("answers", {}).items()
            ]
        items.append(item)
    return {
        "resourceType": "Questionnaire",
        "url": _system(base_url, "Questionnaire", definition["slug"]),
        "version": definition["version"],
        "name": definition["slug"].replace("-", "_").upper(),
        "title": definition["title"],
        "status": "active",
        "date": str(definition.get("effective_date") or "") or None,
        "item": items,
    }


def _answers(decision: Decision, definition: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for question in definition["questions"]:
        value = decision.facts.get(question["fact"])
        if value is None:
            continue
        if _is_boolean(question) and isinstance(value, str):
            value = value == "true"
        answer = _answer_item(question, value)
        if answer is not None:
            items.append({"linkId": question["id"], "text": question["text"], "answer": [answer]})
    return items


def _lawful_basis(definition: dict[str, Any], code: str) -> str:
    return next(
        (b["label"] for b in definition.get("lawful_bases", []) if b["code"] == code), code
    )


def _consent_status(decision: Decision, final: Approval | None) -> str:
    if final is not None:
        return "active" if final.verdict == Approval.Verdict.APPROVED else "rejected"
    return "proposed" if decision.requires_approval else "active"


def decision_bundle(decision: Decision, *, base_url: str) -> dict[str, Any]:
    definition = catalogue.definition(decision.framework, decision.framework_version)
    case = decision.case
    organisation = decision.organisation
    final = next((a for a in decision.approvals.all() if a.is_final), None)
    share_record = getattr(decision, "share_record", None)
    refs = {
        "patient": _urn(decision.pk, "patient"),
        "organisation": _urn(organisation.pk, "organisation"),
        "decider": _urn(decision.pk, "practitioner", decision.decided_by_id),
        "consent": _urn(decision.pk, "consent"),
        "questionnaire": _urn(decision.framework, decision.framework_version, "questionnaire"),
        "response": _urn(decision.pk, "questionnaire-response"),
        "audit": _urn(decision.pk, "audit-event"),
        "provenance": _urn(decision.pk, "provenance"),
        "recipient": _urn(decision.pk, "recipient"),
    }
    case_system = _system(base_url, "case-reference", str(organisation.pk))
    resources: list[tuple[str, dict[str, Any]]] = [
        (refs["organisation"], {
            "resourceType": "Organization",
            "identifier": [{"system": _system(base_url, "organisation"),
                            "value": str(organisation.pk)}],
            "name": organisation.name,
        }),
        (refs["patient"], {
            "resourceType": "Patient",
            # Pseudonymous: the organisation's case reference, never the child's name.
            "identifier": [{"system": case_system, "value": case.reference}],
            "managingOrganization": {"reference": refs["organisation"]},
        }),
        (refs["decider"], _practitioner(decision.decided_by, base_url)),
        (refs["recipient"], {
            "resourceType": "Organization",
            "name": decision.share_request.counterpart_agency,
        }),
    ]
    lawful = decision.lawful_basis
    consent: dict[str, Any] = {
        "resourceType": "Consent",
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{decision.pk}"}],
        "status": _consent_status(decision, final),
        "scope": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
            "code": "patient-privacy", "display": "Privacy Consent",
        }]},
        "category": [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "INFA", "display": "information access",
        }], "text": "Information-sharing decision"}],
        "patient": {"reference": refs["patient"]},
        "dateTime": _instant(decision.decided_at),
        "performer": [{"reference": refs["decider"]}],
        "organization": [{"reference": refs["organisation"]}],
        "policy": [{"uri": _system(base_url, "Questionnaire", decision.framework) +
                    f"|{decision.framework_version}"}],
        "provision": {
            "type": "permit" if decision.outcome in SHARES else "deny",
            "actor": [{
                "role": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                    "code": "IRCP", "display": "information recipient",
                }]},
                "reference": {"reference": refs["recipient"]},
            }],
        },
    }
    if lawful:
        consent["policyRule"] = {
            "coding": [{"system": _system(base_url, "lawful-basis", decision.framework),
                        "code": lawful, "display": _lawful_basis(definition, lawful)}],
            "text": _lawful_basis(definition, lawful),
        }
    resources.append((refs["consent"], consent))
    resources.append((refs["questionnaire"], questionnaire(definition, base_url)))
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": _system(base_url, "Questionnaire", decision.framework)
        + f"|{decision.framework_version}",
        "status": "completed",
        "subject": {"reference": refs["patient"]},
        "authored": _instant(decision.decided_at),
        "author": {"reference": refs["decider"]},
    }
    answers = _answers(decision, definition)
    if answers:
        response["item"] = answers
    resources.append((refs["response"], response))
    if share_record is not None and share_record.shared:
        recorder = _urn(decision.pk, "practitioner", share_record.recorded_by_id)
        if recorder != refs["decider"]:
            resources.append((recorder, _practitioner(share_record.recorded_by, base_url)))
        resources.append((refs["audit"], _disclosure(decision, share_record, refs, recorder)))
    if final is not None:
        approver = _urn(decision.pk, "practitioner", final.approver_id)
        resources.append((approver, _practitioner(final.approver, base_url)))
        resources.append((refs["provenance"], {
            "resourceType": "Provenance",
            "target": [{"reference": refs["consent"]}],
            "recorded": _instant(final.created_at),
            "activity": {"coding": [{
                "system": _system(base_url, "approval-verdict"),
                "code": final.verdict, "display": final.get_verdict_display(),
            }]},
            "reason": [{"text": final.reasons}] if final.reasons else None,
            "agent": [{
                "type": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                    "code": "verifier", "display": "Verifier",
                }]},
                "who": {"reference": approver},
                "onBehalfOf": {"reference": refs["organisation"]},
            }],
        }))
    bundle = {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": _urn(decision.pk, "bundle")},
        "type": "collection",
        "timestamp": _instant(decision.decided_at),
        "entry": [{"fullUrl": url, "resource": _clean(res)} for url, res in resources],
    }
    return Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)


def _practitioner(user: Any, base_url: str) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "identifier": [{"system": _system(base_url, "user"), "value": user.get_username()}],
        "name": [{"text": user.get_full_name() or user.get_username()}],
    }


def _disclosure(
    decision: Decision, share_record: Any, refs: dict[str, str], recorder: str
) -> dict[str, Any]:
    """The disclosure as BALP's privacy-disclosure pattern records it at the source: the
    organisation as source, the recipient as destination, the person who recorded the
    sharing as the human user who asked for it."""
    return {
        "resourceType": "AuditEvent",
        "meta": {"profile": [BALP_DISCLOSURE]},
        "type": {"system": DCM, "code": "110106", "display": "Export"},
        "subtype": [{
            "system": "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle",
            "code": "disclose", "display": "Disclose Record Lifecycle Event",
        }],
        "action": "R",
        "recorded": _instant(share_record.recorded_at),
        "outcome": "0",
        "purposeOfEvent": [{"text": decision.share_request.purpose}],
        "agent": [
            {
                "type": {"coding": [{"system": DCM, "code": "110153",
                                     "display": "Source Role ID"}]},
                "who": {"reference": refs["organisation"]},
                "requestor": False,
            },
            {
                "type": {"coding": [{"system": DCM, "code": "110152",
                                     "display": "Destination Role ID"}]},
                "who": {"reference": refs["recipient"],
                        "display": share_record.shared_with or None},
                "requestor": False,
            },
            {
                "type": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/extra-security-role-type",
                    "code": "humanuser", "display": "human user",
                }]},
                "who": {"reference": recorder},
                "requestor": True,
            },
        ],
        "source": {
            "observer": {"reference": refs["organisation"]},
            "type": [{"system": "http://terminology.hl7.org/CodeSystem/security-source-type",
                      "code": "4", "display": "Application Server"}],
        },
        "entity": [
            {
                "what": {"reference": refs["patient"]},
                "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                         "code": "1", "display": "Person"},
                "role": {"system": "http://terminology.hl7.org/CodeSystem/object-role",
                         "code": "1", "display": "Patient"},
            },
            {
                "what": {"reference": refs["consent"]},
                "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                         "code": "2", "display": "System Object"},
                "description": share_record.what_was_shared or None,
            },
        ],
    }


def _clean(value: Any) -> Any:
    """Drop empty values: FHIR forbids empty strings, lists and objects."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [item for item in (_clean(v) for v in value) if item not in (None, "", [], {})]
    return value
