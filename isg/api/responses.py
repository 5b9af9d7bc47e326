"""The shapes of the API's answers: a POST that makes something (the body validated by a
serializer, its values handed to the service the pages use, the new object answered with 201),
and a list whose reading is audited."""

from collections.abc import Callable
from typing import Any

from django.db import models
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from isg.api import audit


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


def audited_list(
    view: generics.GenericAPIView, request: Request, *, what: str, **details: Any
) -> Response:
    """The view's rows by its serializer_class, a page of them when it paginates; the reading
    audited as `what`, with how many rows were read."""
    page = view.paginate_queryset(view.get_queryset())
    rows = page if page is not None else list(view.get_queryset())
    audit.read(request, what=what, count=len(rows), **details)
    data = view.get_serializer_class()(rows, many=True).data
    return view.get_paginated_response(data) if page is not None else Response(data)
