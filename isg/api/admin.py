"""Admins see the API's clients (created and revoked with manage.py api_client), register
organisations' webhook endpoints, and read the history of every delivery."""

from typing import Any

from django import forms
from django.contrib import admin

from isg.api.models import ApiClient, WebhookDelivery, WebhookEndpoint
from isg.ui.admin import ReadOnlyAdminMixin


@admin.register(ApiClient)
class ApiClientAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "client_id", "scopes", "created_at", "revoked_at"]
    list_filter = ["organisation"]
    readonly_fields = ["name", "organisation", "account", "scopes", "created_at", "revoked_at"]
    exclude = ["application"]


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookEndpoint.Event.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked: every event.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["organisation", "url", "events", "description", "active"]

    def clean_url(self) -> Any:
        url = self.cleaned_data["url"]
        if not url.startswith("https://") and not url.startswith("http://localhost"):
            raise forms.ValidationError("Use an https:// address (http only for localhost).")
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "organisation", "events", "active", "created_at"]
    list_filter = ["organisation", "active"]
    readonly_fields = ["secret", "created_at"]
    fields = ["organisation", "url", "events", "description", "active", "secret", "created_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at",
        "delivered_at", "created_at",
    ]
    list_filter = ["status", "event", "endpoint__organisation"]
    search_fields = ["message_id"]
    readonly_fields = [
        "endpoint", "message_id", "event", "payload", "status", "attempts", "next_attempt_at",
        "last_status_code", "last_error", "delivered_at", "created_at",
    ]
