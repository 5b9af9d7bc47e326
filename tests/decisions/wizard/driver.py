"""Walks the decision wizard through the test client, as a practitioner would."""

from django.urls import resolve, reverse

from guidance.vocabulary import answer_key

DEFAULT_STEPS = {
    "danger": {"action_taken": "Called the police, incident 42", "contacted": "Police"},
    "consent": {
        "consent_explanation": "Asking the carer would alert the alleged abuser.",
        "not_informed_reason": "Telling the carer could put the child at risk.",
        "child_views": "The child said she wants to feel safe at home.",
    },
    "items": {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50",
        "items-0-description": "Attendance record for the autumn term",
        "items-0-justification": "Shows the pattern of absence after weekends",
    },
    "recipients": {"recipients": "DC Morgan, PPU", "method": "secure_email"},
    "proportionality": {
        "checks": [
            "necessary",
            "proportionate",
            "relevant",
            "adequate",
            "accurate",
            "timely",
            "secure",
        ]
    },
    "lawful_basis": {"lawful_basis": "__first__"},
    "advice": {
        "advice_from": "Lena, designated safeguarding lead",
        "advice_given": "Share the attendance record only.",
    },
    "outcome": {"outcome": "__recommended__", "rationale": "The risk outweighs the refusal."},
}


def walk(client, share_request, facts: dict, steps: dict | None = None, max_pages: int = 40):
    """Start (or resume) a draft and answer until check your answers; returns its URL and path."""
    steps = {**DEFAULT_STEPS, **(steps or {})}
    response = client.post(reverse("decision_start", args=[share_request.pk]))
    visited = []
    for _ in range(max_pages):
        assert response.status_code == 302, response.content.decode()[:3000]
        url = response.url
        match = resolve(url.split("?")[0])
        visited.append(
            match.url_name + ":" + match.kwargs.get("question_id", match.kwargs.get("step", ""))
        )
        if match.url_name == "wizard_check":
            return url, visited
        if match.url_name == "wizard_question":
            page = client.get(url)
            assert page.status_code == 200
            fact = page.context["question"]["fact"]
            assert fact in facts, f"the wizard asked {fact!r}, which the test did not expect"
            response = client.post(url, {"answer": answer_key(facts[fact])})
        elif match.url_name == "wizard_step":
            page = client.get(url)
            assert page.status_code == 200
            data = dict(steps[match.kwargs["step"]])
            if data.get("lawful_basis") == "__first__":
                data["lawful_basis"] = page.context["definition"]["lawful_bases"][0]["code"]
            if data.get("outcome") == "__recommended__":
                data["outcome"] = page.context["result"].recommendation
            response = client.post(url, data)
            if response.status_code == 200:
                raise AssertionError(
                    f"step {match.kwargs['step']} refused: {response.context['form'].errors}"
                )
        else:
            response = client.get(url)
    raise AssertionError(f"the wizard did not reach check your answers: {visited}")
