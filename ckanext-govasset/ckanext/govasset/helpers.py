"""Template helpers of the govasset plugin."""
from __future__ import annotations

from . import config


def govasset_heat_window_days() -> int:
    """How many days the usage-heat evaluation covers, for labels such as "近90天热度"."""
    return config.heat_window_days()
