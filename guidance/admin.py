"""Frameworks in the Django admin: browse every version; change guidance by making a new one.

A published version is read-only here and in the model: decisions cite it by number. "Save
as a new version" copies a version into an editable JSON form, numbers the copy with the next
patch version, validates it with the same checks as the files, and stores it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from guidance.frameworks import DefinitionError, validate_definition
from guidance.models import Framework, FrameworkVersion, content_hash, next_patch, version_key
from isg.ui.admin import ReadOnlyAdminMixin

_INLINE_FIELDS = ("version", "effective_date", "published_at")


class VersionInline(admin.TabularInline):
    model = FrameworkVersion
    fields = _INLINE_FIELDS
    readonly_fields = _INLINE_FIELDS
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Frameworks are described by their versions; this page only lists them."""

    list_display = ["slug", "title", "jurisdiction", "latest_version"]
    readonly_fields = ["slug", "title", "short_title", "jurisdiction"]
    inlines = [VersionInline]

    @admin.display(description="Latest published version")
    def latest_version(self, obj: Framework) -> str:
        published = [v.version for v in obj.versions.all() if v.published_at]
        return max(published, key=version_key, default="–")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Framework]:
        return super().get_queryset(request).prefetch_related("versions")



class PrettyJSONField(forms.JSONField):
    """JSON shown indented, so that a definition can be edited by hand."""

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


class NewVersionForm(forms.Form):
    definition = PrettyJSONField(
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "class": "vLargeTextField"}),
        help_text="The whole definition as JSON. Its version number is set for you.",
    )
    publish = forms.BooleanField(
        required=False,
        initial=True,
        help_text="Published versions are used for new decisions and can never be changed. "
        "Leave unticked to keep a draft you can still edit.",
    )

    def __init__(self, *args: Any, source: FrameworkVersion, new_version: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.source = source
        self.new_version = new_version

    def clean_definition(self) -> dict[str, Any]:
        definition = self.cleaned_data["definition"]
        if not isinstance(definition, dict):
            raise forms.ValidationError("The definition must be a JSON object")
        definition = dict(definition, version=self.new_version)
        if definition.get("slug") != self.source.framework.slug:
            raise forms.ValidationError(
                f"The slug must stay {self.source.framework.slug!r}: this is a new version of "
                "the same framework"
            )
        try:
            validate_definition(definition)
        except DefinitionError as exc:
            raise forms.ValidationError(str(exc)) from None
        unchanged = dict(self.source.definition, version=self.new_version)
        if content_hash(definition) == content_hash(unchanged):
            raise forms.ValidationError("Nothing has changed: edit the definition first")
        return definition


def create_version(
    *, source: FrameworkVersion, definition: dict[str, Any], publish: bool
) -> FrameworkVersion:
    """Store an edited copy of ``source`` as a new version of the same framework."""
    with transaction.atomic():
        return FrameworkVersion.objects.create(
            framework=source.framework,
            definition=definition,
            published_at=timezone.now() if publish else None,
        )


def next_version_for(framework: Framework) -> str:
    numbers = framework.versions.values_list("version", flat=True)
    return next_patch(max(numbers, key=version_key))


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["framework", "version", "effective_date", "status", "short_hash"]
    list_filter = ["framework"]
    list_select_related = ["framework"]
    fields = [
        "framework",
        "version",
        "effective_date",
        "published_at",
        "content_hash",
        "created_at",
        "sources",
        "definition",
    ]
    readonly_fields = ["framework", "version", "effective_date", "content_hash", "created_at",
                       "sources"]
    actions = ["publish"]
    change_form_template = "admin/guidance/frameworkversion/change_form.html"
    formfield_overrides = {models.JSONField: {"form_class": PrettyJSONField}}

    @admin.display(description="Status")
    def status(self, obj: FrameworkVersion) -> str:
        return "Published" if obj.is_published else "Draft"

    @admin.display(description="Content hash")
    def short_hash(self, obj: FrameworkVersion) -> str:
        return obj.content_hash[:12]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk delete would bypass the model's refusal
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # new versions come from the files, or from "save as a new version"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[FrameworkVersion]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "published_at" in form.base_fields:
            form.base_fields["published_at"].help_text = (
                "Set a date and time to publish this draft; after that it cannot be changed."
            )
        return form

    @admin.action(description="Publish the selected drafts")
    def publish(self, request: HttpRequest, queryset: QuerySet[FrameworkVersion]) -> None:
        published = 0
        for version in queryset.filter(published_at__isnull=True).select_related("framework"):
            try:
                version.full_clean()
            except ValidationError as exc:
                self.message_user(request, f"{version}: {'; '.join(exc.messages)}",
                                  messages.ERROR)
                continue
            version.published_at = timezone.now()
            version.save()
            published += 1
        self.message_user(request, f"Published {published} version(s)")

    def get_urls(self) -> list[URLPattern]:
        urls = super().get_urls()
        extra = [
            path(
                "<path:object_id>/new-version/",
                self.admin_site.admin_view(self.new_version_view),
                name="guidance_frameworkversion_new_version",
            )
        ]
        return extra + urls

    def new_version_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        source = get_object_or_404(
            FrameworkVersion.objects.select_related("framework"), pk=object_id
        )
        if not self.has_view_permission(request, source) or not request.user.has_perm(
            "guidance.add_frameworkversion"
        ):
            raise PermissionDenied
        new_version = next_version_for(source.framework)
        initial = copy.deepcopy(source.definition)
        initial["version"] = new_version
        form = NewVersionForm(
            request.POST or None,
            source=source,
            new_version=new_version,
            initial={"definition": initial},
        )
        if request.method == "POST" and form.is_valid():
            created = create_version(
                source=source,
                definition=form.cleaned_data["definition"],
                publish=form.cleaned_data["publish"],
            )
            self.message_user(request, f"Created {created}", messages.SUCCESS)
            return redirect(
                reverse("admin:guidance_frameworkversion_change", args=[created.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"New version of {source.framework.slug} (will be {new_version})",
            "opts": self.model._meta,
            "source": source,
            "form": form,
            "new_version": new_version,
        }
        return TemplateResponse(
            request, "admin/guidance/frameworkversion/new_version.html", context
        )
