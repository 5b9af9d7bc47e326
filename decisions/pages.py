"""The shape every form page shares: bind, validate, act through a service, or show the form.

A page's own code is then what differs: which form, which service, where it goes next."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from decisions.lifecycle.services import NotNow

F = TypeVar("F", bound=forms.BaseForm)


def form_page(
    request: HttpRequest,
    form: F,
    act: Callable[[F], HttpResponse],
    *,
    template: str,
    refused: HttpResponse | None = None,
    **context: Any,
) -> HttpResponse:
    """A valid POST runs `act`, which calls the service, says what happened and redirects.

    With `refused` given, a service that refuses (PermissionDenied or NotNow, whose message is
    written for the user) shows its message and returns there; without it the refusal is not
    expected here and propagates. Anything else renders `template` with the form (bound and
    showing its errors after a POST, so nothing typed is lost) and `context`."""
    if request.method == "POST" and form.is_valid():
        try:
            return act(form)
        except (PermissionDenied, NotNow) as refusal:
            if refused is None:
                raise
            messages.error(request, str(refusal))
            return refused
    return render(request, template, {"form": form, **context})
