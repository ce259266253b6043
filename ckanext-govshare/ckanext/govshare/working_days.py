"""Working-day arithmetic for reply deadlines: weekends and configured holidays are off,
configured make-up weekend days (调休) are on."""
from __future__ import annotations

import datetime

from . import config


def is_working_day(day: datetime.date) -> bool:
    if day in config.working_weekends():
        return True
    return day.weekday() < 5 and day not in config.holidays()


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day on which ``days`` working days after ``start`` (not counting it) have passed."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
