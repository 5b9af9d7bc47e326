from datetime import date

from django import template

register = template.Library()

MONTHS = (
    "January February March April May June July August September October November December"
).split()


@register.filter
def human_date(value: str) -> str:
    """``2024-05-01`` -> ``1 May 2024``; ``2024-05`` -> ``May 2024``; ``2018`` stays."""
    parts = str(value).split("-")
    try:
        if len(parts) == 3:
            day = date.fromisoformat(str(value))
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return str(value)
