"""A year of demo activity before today, through the services, so that the leads' reports
show trends on first start: requests, decisions through the wizard's services, approvals,
rejections and questions, what was shared or not, follow-ups done on time or late,
reconsiderations, exchanges between the two demo organisations, and complaints.

Each case (and each exchange) is a story (`stories.run` takes their steps in time order);
steps after now are not taken, so what they would have finished is still open today.
Random from a fixed seed; volumes grow over the year, sharing without consent becomes more
frequent, and decisions and approvals get quicker, so that the charts have something to show.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from decisions.cases import services as case_services
from decisions.exchange import deliveries as exchange_deliveries
from decisions.exchange import services as exchange_services
from decisions.lifecycle import services as lifecycle_services
from decisions.models import Case, Decision, DecisionDraft, ShareRequest
from decisions.seeding.demo_exchange import NORTHGATE, RIVERSIDE, in_directory
from decisions.seeding.demo_history_data import (
    AGENCIES,
    CHILDREN,
    FACTS,
    METHODS,
    PURPOSES,
    SUMMARIES,
)
from decisions.seeding.stories import Story, at_work, later, rng_days, run
from decisions.seeding.volume_data import FALLBACK_FACTS, typed_step
from decisions.wizard import services as wizard_services
from decisions.wizard.state import state_for
from decisions.wizard.steps import CHECK
from guidance import catalogue, engine
from isg.accounts.models import Organisation, User

SEED = 2026
DAYS = 365


@dataclass
class Cast:
    """One organisation's people and what it decides under."""

    organisation: Organisation
    framework: str
    practitioners: list[User]
    manager: User
    lead: User
    prefix: str
    cases: list[Case] = field(default_factory=list)


class History:
    """The stories of one demo year, and what they share: the random source, the casts."""

    def __init__(self, casts: dict[str, Cast], *, now: datetime.datetime) -> None:
        self.casts = casts
        self.now = now
        self.start = now - datetime.timedelta(days=DAYS)
        self.rng = random.Random(SEED)
        self.counter = 0

    def progress(self, moment: datetime.datetime) -> float:
        """How far through the year: 0 a year ago, 1 now."""
        return min(max((moment - self.start) / (self.now - self.start), 0.0), 1.0)

    # --- Deciding through the wizard's services ------------------------------------------

    def decide(self, user: User, draft: DecisionDraft, outcome: str) -> Decision:
        """Answer the framework's questions and the record steps, as the wizard asks them,
        with facts that lead to `outcome`; then submit."""
        facts = FACTS[draft.framework][outcome]
        state = state_for(draft)
        for _ in range(80):
            step = state.next_step()
            if step == CHECK:
                return wizard_services.decision_submit(draft=draft, user=user)
            if step.is_question:
                fact = engine.question(state.definition, step.slug)["fact"]
                value = facts.get(fact, FALLBACK_FACTS.get(fact))
                answered = wizard_services.draft_answer(draft=draft, fact=fact, value=value)
                state = answered if answered is not None else state_for(draft)
            else:
                raw = typed_step(step.slug, state.definition, state.result.recommendation)
                wizard_services.draft_save_step(draft=draft, user=user, step=step, raw=raw)
                state = state_for(draft)
        raise RuntimeError(f"{draft.framework}: {outcome} never reached check your answers")

    def outcome_for(self, moment: datetime.datetime) -> str:
        """More sharing without consent as the year goes on (5% to 30%)."""
        without = 0.05 + 0.25 * self.progress(moment)
        roll = self.rng.random()
        if roll < without:
            return "share_without_consent"
        return "share" if roll < without + 0.45 else "do_not_share"

    # --- A request, from arrival to what happened -----------------------------------------

    def request(self, cast: Cast, case: Case, user: User, when: datetime.datetime) -> Story:
        """Opened now (the caller is at `when`); then decided, approved, recorded, followed up."""
        rng = self.rng
        agency, role = rng.choice(AGENCIES[cast.organisation.name])
        purpose, information = rng.choice(PURPOSES)
        urgency = rng.choices(["routine", "urgent", "immediate"], [8, 3, 1])[0]
        received = timezone.localtime(when).date() - datetime.timedelta(days=rng.choice([0, 0, 1]))
        due = received + datetime.timedelta(days={"routine": rng.randint(5, 10)}.get(urgency, 1))
        share_request = case_services.share_request_open(
            user=user,
            case=case,
            direction=rng.choices([ShareRequest.INCOMING, ShareRequest.OUTGOING], [3, 1])[0],
            counterpart_agency=agency,
            counterpart_contact="Duty desk, 0300 555 0100",
            counterpart_role=role,
            purpose=purpose,
            information_requested=information,
            urgency=urgency,
            received_on=received,
            due_on=due,
        )
        # Quicker as the year goes on: a median of about six days at first, two at the end.
        pace = 1.0 - 0.65 * self.progress(when)
        delay_days = rng.choice([0.2, 1, 2, 3, 4, 6, 8, 12]) * pace
        when = at_work(rng, when + datetime.timedelta(days=delay_days))
        yield when
        draft = wizard_services.draft_start(user=user, share_request=share_request)
        decision = self.decide(user, draft, self.outcome_for(when))
        yield from self.after_decision(cast, decision, user, when)

    def after_decision(
        self, cast: Cast, decision: Decision, user: User, when: datetime.datetime
    ) -> Story:
        """Verdict (with a question now and then), reconsideration of a rejection, the share
        record, a follow-up, a complaint."""
        rng = self.rng
        if decision.requires_approval:
            # Managers answer within hours late in the year, within days early on.
            pace = 1.0 - 0.7 * self.progress(when)
            if rng.random() < 0.12:
                when = later(rng, when, rng.uniform(2, 30) * pace)
                yield when
                lifecycle_services.decision_verdict(
                    decision=decision,
                    approver=cast.manager,
                    verdict="more_info",
                    reasons="Has the school been asked what it already knows?",
                )
                when = later(rng, when, rng.uniform(2, 20))
                yield when
                lifecycle_services.info_answer(
                    decision=decision, user=user, answer="Yes: the school knows of the concern."
                )
            when = later(rng, when, rng.uniform(1, 72) * pace)
            yield when
            if rng.random() < 0.14:
                lifecycle_services.decision_verdict(
                    decision=decision,
                    approver=cast.manager,
                    verdict="rejected",
                    reasons="The risk does not yet justify sharing without consent; ask again.",
                )
                if rng.random() < 0.6:
                    when = at_work(rng, when + datetime.timedelta(days=rng.randint(1, 6)))
                    yield when
                    other = "share" if decision.outcome == "do_not_share" else "do_not_share"
                    yield from self.reconsider(cast, decision, user, when, other)
                    return
                when = later(rng, when, rng.uniform(1, 24))
                yield when
                self.not_shared(decision, user)
                return
            lifecycle_services.decision_verdict(
                decision=decision, approver=cast.manager, verdict="approved"
            )
        when = later(rng, when, rng.uniform(0.5, 40))
        yield when
        if decision.shares:
            follow_up: dict[str, Any] | None = None
            due = timezone.localdate() + datetime.timedelta(days=rng.randint(7, 28))
            if rng.random() < 0.45:
                follow_up = {
                    "action": "Check with the recipient that the information arrived and helped.",
                    "owner": user,
                    "due_on": due,
                }
            self.shared(
                decision,
                user,
                what="What the decision's items list, and no more.",
                to=decision.share_request.counterpart_agency,
                method=rng.choice(METHODS),
                follow_up=follow_up,
            )
            if follow_up:
                yield from self.follow_up_done(decision, user, when, due)
        else:
            self.not_shared(decision, user)
            if rng.random() < 0.18:  # new information, and the refusal is looked at again
                when = at_work(rng, when + datetime.timedelta(days=rng.randint(10, 45)))
                yield when
                yield from self.reconsider(cast, decision, user, when, "share_without_consent")
                return
        if rng.random() < 0.06:
            when = at_work(rng, when + datetime.timedelta(days=rng.randint(5, 30)))
            yield when
            exchange_deliveries.complaint_record(
                user=cast.lead,
                decision=decision,
                made_by=rng.choice(["The child's mother", "The child's father", "A grandparent"]),
                received_on=timezone.localdate(),
                details="Not told beforehand what would be shared, or with whom.",
            )

    def shared(
        self,
        decision: Decision,
        user: User,
        *,
        what: str,
        to: str,
        method: str,
        follow_up: dict[str, Any] | None = None,
    ) -> None:
        """The share record of information shared today."""
        lifecycle_services.share_record(
            decision=decision,
            user=user,
            shared=True,
            what_was_shared=what,
            shared_with=to,
            shared_on=timezone.localdate(),
            method=method,
            follow_up=follow_up,
        )

    def not_shared(self, decision: Decision, user: User) -> None:
        lifecycle_services.share_record(
            decision=decision,
            user=user,
            shared=False,
            not_shared_reasons="The decision was not to share: the requester was told why.",
            requester_told=True,
            requester_told_how="By phone, then in writing.",
        )

    def reconsider(
        self, cast: Cast, decision: Decision, user: User, when: datetime.datetime, outcome: str
    ) -> Story:
        draft = lifecycle_services.reconsider_start(user=user, decision=decision)
        newer = self.decide(user, draft, outcome)
        yield from self.after_decision(cast, newer, user, when)

    def follow_up_done(
        self, decision: Decision, user: User, when: datetime.datetime, due: datetime.date
    ) -> Story:
        """Mostly on time; some late; one in ten never (overdue if its date has passed)."""
        if self.rng.random() < 0.1:
            return
        follow_up = decision.follow_ups.get()
        days = self.rng.choice([-5, -3, -1, 0, 0, 2, 6, 12])
        done = timezone.make_aware(datetime.datetime.combine(due, datetime.time(10)))
        yield max(at_work(self.rng, done + datetime.timedelta(days=days)), when)
        lifecycle_services.follow_up_done(user=user, follow_up=follow_up)

    # --- The stories ----------------------------------------------------------------------

    def case_story(self, cast: Cast, opened: datetime.datetime, requests: int) -> Story:
        rng = self.rng
        when = at_work(rng, opened)
        yield when
        team = rng.sample(cast.practitioners, k=min(len(cast.practitioners), rng.choice([1, 2])))
        self.counter += 1
        case = case_services.case_create(
            user=team[0],
            organisation=cast.organisation,
            reference=f"{cast.prefix}-{timezone.localtime(when):%Y}-{500 + self.counter:04d}",
            summary=rng.choice(SUMMARIES),
            child_name=f"{rng.choice(CHILDREN)} {chr(65 + rng.randint(0, 25))}",
            child_date_of_birth=datetime.date(rng.randint(2009, 2024), rng.randint(1, 12), 15),
            assigned=team,
        )
        cast.cases.append(case)
        for _ in range(requests):
            yield from self.request(cast, case, rng.choice(team), when)
            # The next request on this case: weeks later, sooner as the year goes on.
            gap = rng.uniform(10, 60) * (1.0 - 0.5 * self.progress(when))
            when = at_work(rng, when + datetime.timedelta(days=gap))
            yield when

    def exchange_story(self, asker: Cast, asked: Cast, when: datetime.datetime) -> Story:
        """One organisation asks the other through ISG; it is taken, decided, answered and
        the delivery acknowledged."""
        rng = self.rng
        when = at_work(rng, when)
        yield when
        cases = [c for c in asker.cases if not c.is_closed]
        if not cases:
            return
        case = rng.choice(cases)
        asking = case.assigned.first() or asker.practitioners[0]
        purpose, information = rng.choice(PURPOSES)
        exchange = exchange_services.exchange_ask(
            user=asking,
            case=case,
            to_organisation=asked.organisation,
            purpose=purpose,
            information_requested=information,
            urgency="routine",
            due_on=timezone.localdate() + datetime.timedelta(days=rng.randint(5, 10)),
        )
        when = later(rng, when, rng.uniform(2, 60))
        yield when
        taker = rng.choice(asked.practitioners)
        self.counter += 1
        draft = exchange_services.exchange_take(
            user=taker,
            exchange_id=exchange.pk,
            new_reference=f"{asked.prefix}-X-{self.counter:04d}",
        )
        when = later(rng, when, rng.uniform(4, 72))
        yield when
        outcome = rng.choices(["share", "share_without_consent", "do_not_share"], [6, 2, 2])[0]
        decision = self.decide(taker, draft, outcome)
        if decision.requires_approval:
            when = later(rng, when, rng.uniform(2, 48))
            yield when
            lifecycle_services.decision_verdict(
                decision=decision, approver=asked.manager, verdict="approved"
            )
        when = later(rng, when, rng.uniform(1, 24))
        yield when
        if decision.shares:
            self.shared(
                decision,
                taker,
                what="The information asked for, as the decision's items list it.",
                to=asker.organisation.name,
                method="secure_portal",
            )
        else:
            self.not_shared(decision, taker)
        answer = exchange_services.exchange_answer(
            user=taker,
            exchange_id=exchange.pk,
            reasons="" if decision.shares else "No consent, and no risk that would justify it.",
            may_ask_again=None if decision.shares else True,
        )
        if answer.delivery is not None:
            when = later(rng, when, rng.uniform(1, 48))
            yield when
            exchange_deliveries.delivery_acknowledge(user=asking, delivery=answer.delivery)

    def stories(self) -> Iterable[Story]:
        rng = self.rng
        riverside, northgate = self.casts[RIVERSIDE], self.casts[NORTHGATE]
        for cast, cases in ((riverside, 22), (northgate, 12)):
            for n in range(cases):
                # Cases open through the year, more of them later (the square root spreads
                # them towards now): the number of requests a month grows.
                opened = self.start + datetime.timedelta(days=DAYS * 0.92 * (n / cases) ** 0.8)
                yield self.case_story(cast, opened, requests=rng.randint(4, 8))
        for month in range(1, 12):
            moment = self.start + datetime.timedelta(days=30 * month)
            for _ in range(rng.choice([1, 2, 2, 3])):
                yield self.exchange_story(northgate, riverside, moment + rng_days(rng))
            yield self.exchange_story(riverside, northgate, moment + rng_days(rng))


def seed_history(users: dict[str, User], *, now: datetime.datetime | None = None) -> int:
    """The demo year, up to `now` (default: the real now, less an hour, so that the present
    day's demo cases come after it in the audit log). Returns the steps taken."""
    now = now or timezone.now() - datetime.timedelta(hours=1)
    riverside, northgate = in_directory()
    casts = {
        RIVERSIDE: Cast(
            riverside,
            catalogue.definition(riverside.default_framework)["slug"],
            [users["pat"], users["priya"]],
            users["mark"],
            users["lena"],
            "RCS",
        ),
        NORTHGATE: Cast(
            northgate,
            catalogue.definition(northgate.default_framework)["slug"],
            [users["quinn"]],
            users["maria"],
            users["leo"],
            "NFS",
        ),
    }
    history = History(casts, now=now)
    return run(history.stories(), until=now)
