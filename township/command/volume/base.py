"""The ground of ``seed_demo --volume`` (see the package): scales, the travelling clock, a case's life, the
world of 白沙镇. A year of life in 白沙镇 (``seed_demo --volume town``): thousands of cases of every type, each lived through the
services at its own dates, so timelines, due dates, warnings, per-day counts and every summary stay consistent.

Each case's life runs under a travelling clock (time-machine): the services stamp ``timezone.now()``, so the clock
is moved to every step's moment. A step that would fall after the real present is not taken: the case stays where
it is (recent cases are open, a few already overdue). Deterministic (one seeded ``random.Random``), idempotent (the
run is marked done by its 12345 orders' external numbers, written last), and run after the normal demo.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from township.core.errors import DomainError
from township.org.models import Department, Jurisdiction, Level, Role, RoleGrant, User

TOWN = "500116108"
MARKER = "BSVOL"  # external numbers of the volume's 12345 orders: their presence marks the run as done


@dataclass(frozen=True)
class Scale:
    applications: int
    events: int
    penalties: int  # ordinary procedure
    summaries: int  # 简易程序
    orders: int
    opinions: int
    petitions: int
    mediations: int
    days: int = 365


SCALES = {
    "town": Scale(
        applications=1000,
        events=900,
        penalties=100,
        summaries=150,
        orders=300,
        opinions=100,
        petitions=40,
        mediations=40,
    ),
    "small": Scale(
        applications=300, events=240, penalties=30, summaries=30, orders=60, opinions=30, petitions=10, mediations=10
    ),
    "tiny": Scale(
        applications=14, events=14, penalties=5, summaries=5, orders=6, opinions=4, petitions=3, mediations=3
    ),
}

# Seasonal shape of a town's year (Jan … Dec): quiet at the Spring Festival, busy in spring and autumn.
MONTH_WEIGHT = (0.85, 0.55, 1.15, 1.2, 1.1, 1.0, 0.9, 0.9, 1.1, 1.05, 1.2, 1.0)


class Clock:
    """The travelling clock: ``at(t)`` moves it; ``real_now`` is the moment the run started."""

    def __init__(self, traveller: Any, real_now: datetime) -> None:
        self._t = traveller
        self.real_now = real_now

    def at(self, moment: datetime) -> bool:
        """Move to ``moment``; False (and no move) when it lies after the real present (the step is not taken)."""
        if moment >= self.real_now:
            return False
        self._t.move_to(moment)
        return True


class Life:
    """One case's life: ``step(delta, fn)`` moves the clock and runs the service, unless the moment is still to come.
    A step a rule refuses (a DomainError) ends the life there: the case stays in the state it reached."""

    tally: Counter[str] = Counter()

    def __init__(self, clock: Clock, start: datetime, key: str = "") -> None:
        self.clock, self.t, self.alive, self.key = clock, start, True, key

    def step(self, delta: timedelta | datetime, fn: Callable[[], Any]) -> bool:
        if not self.alive:
            return False
        moment = delta if isinstance(delta, datetime) else self.t + delta
        if not self.clock.at(moment):
            self.alive = False
            return False
        self.t = moment
        try:
            with transaction.atomic():
                fn()
        except DomainError as exc:
            self.alive = False
            Life.tally[f"{self.key}: stopped ({exc.code} {getattr(fn, '__name__', '')} {exc.message[:40]})"] += 1
            return False
        return True


def _resident_id(n: int, rng: random.Random) -> str:
    from township.core.identifiers import resident_id_check_char

    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 50))
    body = f"500116{born:%Y%m%d}{(n % 900) + 100:03d}"
    return body + resident_id_check_char(body)


SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜"
GIVEN = "建华秀英国强明芳志军丽红平伟霞勇敏静玉兰德福海燕春梅金凤晓东永红小琴世友家富"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}"


class World:
    """Who and what the year is made of: 白沙镇, its villages, departments, demo accounts, items and grids."""

    def __init__(self, rng: random.Random, clock: Clock) -> None:
        self.rng, self.clock = rng, clock
        self.town = Jurisdiction.objects.get(pk=TOWN)
        self.villages = list(Jurisdiction.objects.filter(parent=self.town, level=Level.VILLAGE).order_by("code"))
        self.depts = {d.name: d for d in Department.objects.filter(jurisdiction=self.town)}
        self.users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
        self.handlers: dict[int, User] = {}
        for g in (
            RoleGrant.objects.filter(jurisdiction=self.town, role=Role.HANDLER).select_related("user").order_by("pk")
        ):
            if g.department_id and g.department_id not in self.handlers:
                self.handlers[g.department_id] = g.user
        self.officer_ids = list(
            RoleGrant.objects.filter(jurisdiction=self.town, role=Role.ENFORCEMENT_OFFICER)
            .order_by("user__username")
            .values_list("user_id", flat=True)
        )
        self.officers = {u.pk: u for u in User.objects.filter(pk__in=self.officer_ids)}
        self.day_weights = self._day_weights()
        self.days = [self.clock.real_now.date() - timedelta(days=d) for d in range(len(self.day_weights))]

    def _day_weights(self) -> list[float]:
        today = self.clock.real_now.date()
        weights = []
        for d in range(365):
            day = today - timedelta(days=d)
            w = MONTH_WEIGHT[day.month - 1] * (1.0 if day.weekday() < 5 else 0.22)
            weights.append(w)
        return weights

    def user(self, name: str) -> User:
        return self.users[name]

    def start(self, hours: tuple[float, float] = (8.5, 17.5), days: int = 365) -> datetime:
        """A moment of the last ``days`` days: more on weekdays, the year's seasonal shape, office hours."""
        day = self.rng.choices(self.days[:days], weights=self.day_weights[:days])[0]
        minutes = self.rng.uniform(hours[0] * 60, hours[1] * 60)
        moment = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(minutes=minutes)
        return min(moment, self.clock.real_now - timedelta(minutes=30))

    def village(self) -> Jurisdiction:
        # a few large villages and the town centre communities carry more
        return self.rng.choices(self.villages, weights=[3 if i % 5 == 0 else 1 for i in range(len(self.villages))])[0]


USERNAMES = [
    "clerk",
    "approver",
    "approval_head",
    "leader",
    "dispatcher",
    "patroller",
    "grid_supervisor",
    "baisha_handler",
    "officer",
    "officer2",
    "legal",
    "hotline",
    "opinions_center",
    "petition",
    "agent",
]


def _quietly(tally: Counter[str], key: str, fn: Callable[[], Any]) -> Any:
    """Run one case's life in its own transaction; a rule that refuses its opening (a DomainError) skips that case."""
    try:
        with transaction.atomic():
            return fn()
    except DomainError as exc:
        tally[f"{key}: skipped ({exc.code})"] += 1
        return None
