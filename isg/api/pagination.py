"""Lists page by limit and offset, both bounded: a huge offset is an empty page, not an
integer the database cannot hold (schemathesis found that one)."""

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

OFFSET_MAX = 2**31 - 1


class BoundedLimitOffset(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200

    def get_offset(self, request: Request) -> int:
        return min(super().get_offset(request), OFFSET_MAX)
