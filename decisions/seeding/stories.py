"""Stories told in time order, for writing demo history through the services.

Each story is a generator that yields the moment of its next step and, resumed, takes that
step; `run` always takes the earliest step of all the stories next, with the clock set to
its moment (`clock.clock_at`), so every row and audit entry has the time it would have had.
"""

from __future__ import annotations

import datetime
import heapq
import random
from collections.abc import Generator, Iterable

from django.utils import timezone

from decisions.seeding.clock import clock_at

# A story yields when its next step happens; the scheduler resumes it at that moment.
Story = Generator[datetime.datetime, None, None]


def at_work(rng: random.Random, moment: datetime.datetime) -> datetime.datetime:
    """The same day at a working hour, or the next weekday's if it falls at a weekend."""
    local = timezone.localtime(moment)
    while local.weekday() >= 5:
        local += datetime.timedelta(days=1)
    return local.replace(hour=rng.randint(9, 16), minute=rng.randint(0, 59), second=0)


def later(rng: random.Random, moment: datetime.datetime, hours: float) -> datetime.datetime:
    return moment + datetime.timedelta(hours=hours, minutes=rng.randint(1, 50))


def rng_days(rng: random.Random) -> datetime.timedelta:
    return datetime.timedelta(days=rng.uniform(0, 28))


def run(stories: Iterable[Story], *, until: datetime.datetime) -> int:
    """Take every story's steps in the order of their moments, with the clock at each;
    stop a story at its first step after `until`. Returns the number of steps taken."""
    queue: list[tuple[datetime.datetime, int, Story]] = []
    for order, story in enumerate(stories):
        first = next(story, None)
        if first is not None:
            heapq.heappush(queue, (first, order, story))
    steps = 0
    while queue:
        moment, order, story = heapq.heappop(queue)
        if moment > until:
            continue
        with clock_at(moment):
            following = next(story, None)
        steps += 1
        if following is not None:
            heapq.heappush(queue, (max(following, moment), order, story))
    return steps
