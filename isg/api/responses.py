"""The one shape of the API's POSTs that make something: the body validated by a serializer,
its values handed to the service the pages use, the new object answered with 201."""

from collections.abc import Callable
from typing import Any

from django.db import models
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response


def created(
    request: Request,
    incoming: type[serializers.Serializer],
    make: Callable[..., models.Model],
    *,
    out: type[serializers.Serializer] | None = None,
    context: dict[str, Any] | None = None,
) -> Response:
    """201 with what `make(**values)` made, shown by `out` (`incoming` when the body and the
    answer are the same shape). A refusal inside `make` (ValidationError, the services'
    errors) answers 4xx as any other (isg/api/errors.py)."""
    given = incoming(data=request.data)
    given.is_valid(raise_exception=True)
    made = make(**given.validated_data)
    shown = (out or incoming)(made, context=context or {})
    return Response(shown.data, status=status.HTTP_201_CREATED)
