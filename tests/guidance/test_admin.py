import copy
import json

import pytest
from django.urls import reverse

from guidance import catalogue
from guidance.models import FrameworkVersion, PublishedVersionError


@pytest.fixture
def uk(db) -> FrameworkVersion:
    # The latest published version (1.1.0 since issue 13); 1.0.0 stays published beside it.
    return FrameworkVersion.objects.get(framework__slug="uk-2024", version="1.1.0")


@pytest.fixture
def admin_client(world, client_for):
    return client_for(world.users["admin"])


def edited(source: FrameworkVersion, **changes) -> str:
    definition = copy.deepcopy(source.definition)
    definition.update(changes)
    return json.dumps(definition)


def new_version_url(version: FrameworkVersion) -> str:
    return reverse("admin:guidance_frameworkversion_new_version", args=[version.pk])


def test_model_refuses_to_change_a_published_definition(uk):
    uk.definition["summary"] = "Rewritten in place."
    with pytest.raises(PublishedVersionError):
        uk.save()
    uk.refresh_from_db()
    assert uk.definition["summary"] != "Rewritten in place."


def test_model_refuses_to_delete_a_published_version(uk):
    with pytest.raises(PublishedVersionError):
        uk.delete()
    assert FrameworkVersion.objects.filter(pk=uk.pk).exists()


def test_admin_lists_frameworks_and_versions(admin_client, uk):
    assert admin_client.get(reverse("admin:guidance_framework_changelist")).status_code == 200
    listing = admin_client.get(reverse("admin:guidance_frameworkversion_changelist"))
    assert "uk-2024" in listing.content.decode()


def test_published_version_page_is_read_only(admin_client, uk):
    url = reverse("admin:guidance_frameworkversion_change", args=[uk.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="definition"' not in page.content.decode()
    assert new_version_url(uk) in page.content.decode()
    refused = admin_client.post(url, {"definition": edited(uk, summary="Changed.")})
    assert refused.status_code == 403
    uk.refresh_from_db()
    assert uk.definition["summary"] != "Changed."


def test_save_as_new_version_creates_the_next_patch(admin_client, uk):
    form = admin_client.get(new_version_url(uk))
    assert "&quot;version&quot;: &quot;1.1.1&quot;" in form.content.decode()
    response = admin_client.post(
        new_version_url(uk), {"definition": edited(uk, summary="Revised."), "publish": "on"}
    )
    assert response.status_code == 302
    created = FrameworkVersion.objects.get(framework__slug="uk-2024", version="1.1.1")
    assert created.is_published and created.definition["summary"] == "Revised."
    assert catalogue.definition("uk-2024")["version"] == "1.1.1"
    assert catalogue.definition("uk-2024", "1.1.0") == uk.definition


def test_new_version_number_is_set_whatever_the_json_says(admin_client, uk):
    admin_client.post(
        new_version_url(uk), {"definition": edited(uk, version="1.1.0", summary="x"),
                              "publish": "on"}
    )
    assert FrameworkVersion.objects.filter(framework__slug="uk-2024", version="1.1.1").exists()


def test_invalid_new_version_is_refused_with_the_validators_message(admin_client, uk):
    definition = json.loads(edited(uk))
    definition["approval"] = ["share"]
    response = admin_client.post(new_version_url(uk), {"definition": json.dumps(definition)})
    assert response.status_code == 200
    assert "sharing without consent must always need approval" in response.content.decode()
    assert FrameworkVersion.objects.filter(framework__slug="uk-2024").count() == 2


def test_unchanged_copy_is_refused(admin_client, uk):
    response = admin_client.post(new_version_url(uk), {"definition": edited(uk)})
    assert "Nothing has changed" in response.content.decode()
    assert FrameworkVersion.objects.filter(framework__slug="uk-2024").count() == 2


def test_draft_can_be_edited_then_published(admin_client, uk):
    admin_client.post(new_version_url(uk), {"definition": edited(uk, summary="Draft one.")})
    draft = FrameworkVersion.objects.get(framework__slug="uk-2024", version="1.1.1")
    assert not draft.is_published
    assert catalogue.definition("uk-2024")["version"] == "1.1.0"

    change_url = reverse("admin:guidance_frameworkversion_change", args=[draft.pk])
    response = admin_client.post(
        change_url, {"definition": edited(draft, summary="Draft two."), "published_at_0": "",
                     "published_at_1": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.definition["summary"] == "Draft two."

    admin_client.post(
        reverse("admin:guidance_frameworkversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_published
    assert catalogue.definition("uk-2024")["summary"] == "Draft two."


def test_only_admins_reach_the_new_version_form(world, client_for, uk):
    response = client_for(world.users["manager"]).get(new_version_url(uk))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
