"""The admin keeps a case in its organisation, and a person or a request on its case: what
was decided and audited names them, and is never rewritten."""

from django.urls import reverse

from decisions.models import ShareRequest


def _form_fields(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return set(response.context["adminform"].form.fields)


def test_a_cases_organisation_is_read_only_once_it_is_opened(world, lead_admin, client):
    client.force_login(lead_admin)
    change = _form_fields(client, reverse("admin:decisions_case_change", args=[world.case.pk]))
    assert "organisation" not in change and "reference" in change
    assert "organisation" in _form_fields(client, reverse("admin:decisions_case_add"))


def test_a_requests_case_is_read_only_and_its_organisation_never_a_field(
    world, lead_admin, client
):
    client.force_login(lead_admin)
    url = reverse("admin:decisions_sharerequest_change", args=[world.share_request.pk])
    change = _form_fields(client, url)
    assert not {"case", "organisation"} & change and "counterpart_agency" in change
    added = _form_fields(client, reverse("admin:decisions_sharerequest_add"))
    assert "case" in added and "organisation" not in added
    assert ShareRequest.objects.get(pk=world.share_request.pk).organisation == world.org


def test_a_persons_case_is_read_only_once_added(world, lead_admin, client):
    client.force_login(lead_admin)
    change = _form_fields(client, reverse("admin:decisions_person_change", args=[world.person.pk]))
    assert "case" not in change and "name" in change
    assert "case" in _form_fields(client, reverse("admin:decisions_person_add"))
