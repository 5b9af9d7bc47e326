"""The API's scopes: what a client may be given, defined once (the command, the token
endpoint, the views and the schema all read it)."""

SCOPES = {
    "cases:read": "Read cases, the people on them and their share requests",
    "cases:write": "Create cases and add people to them",
    "requests:write": "Open share requests and ask other organisations",
    "decisions:read": "Read decisions, their PDFs, FHIR bundles and follow-ups",
    "frameworks:read": "Read frameworks and run the engine on posted facts",
    "audit:read": "Read the organisation's audit log and proofs (safeguarding lead clients)",
    "webhooks:write": "Register and remove the organisation's webhook endpoints",
}
# A client holding any of these acts as its organisation's safeguarding lead, for reading.
LEAD_SCOPES = frozenset({"audit:read"})


class UnknownScope(ValueError):
    pass


def parse(text: str) -> list[str]:
    """Scopes from a space- or comma-separated list; an unknown one is an error, not dropped."""
    wanted = [part for part in text.replace(",", " ").split() if part]
    unknown = sorted(set(wanted) - set(SCOPES))
    if unknown:
        known = ", ".join(SCOPES)
        raise UnknownScope(f"unknown scope {', '.join(unknown)} (known: {known})")
    if not wanted:
        raise UnknownScope("give at least one scope")
    return sorted(set(wanted), key=list(SCOPES).index)


def read_scoped(scope: str) -> dict[str, list[str]]:
    """A view's required scopes: `scope` to read, and nothing else allowed."""
    return {"GET": [scope]}
