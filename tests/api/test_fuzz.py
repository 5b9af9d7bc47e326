"""Schemathesis against the live server's schema: every operation, with positive and negative
data and a valid token of every scope. No 5xx, and no response that breaks the schema.

Bounded for CI: FUZZ_EXAMPLES examples per operation and mode (FUZZ_EXAMPLES=… to go deeper).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests import factories

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, response_schema_conformance]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@pytest.mark.django_db(transaction=True)
def test_no_operation_errors_or_breaks_its_schema(world, live_server, settings_for_fuzzing):
    client = factories.make_api_client(world.org).client
    headers = {"Authorization": f"Bearer {factories.make_api_token(client)}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    # Ids that exist, so that the fuzzer reaches past the 404s too.
    known = {
        "case_id": str(world.case.pk),
        "request_id": str(world.share_request.pk),
        "decision_id": str(world.decision.pk),
        "slug": "uk-2024",
    }
    failures = []
    for operation in operations:
        for mode in MODES:
            path_parameters = {
                name: value for name, value in known.items() if f"{{{name}}}" in operation.path
            }
            strategy = operation.as_strategy(
                generation_mode=mode,
                path_parameters=path_parameters if mode is GenerationMode.POSITIVE else None,
            )

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                # Nothing to make invalid: an operation without parameters or a body.
                assert mode is GenerationMode.NEGATIVE and not _has_inputs(operation)
            except Exception as exc:  # collect every operation's failure, then report all
                failures.append(f"{mode.value} {operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)


def _has_inputs(operation) -> bool:
    definition = operation.definition.raw
    return bool(definition.get("parameters") or definition.get("requestBody"))


@pytest.fixture
def settings_for_fuzzing(settings):
    """No rate limit while fuzzing (it is tested in test_auth.py); every test starts with an
    empty cache (tests/conftest.py)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_client": None}
    }
    yield
