"""The exchange dashboard's figures: what each department node delivered, and how well."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ...exchange import stats
from ..checks import authorized_and_valid

__all__ = ["govshare_exchange_stats"]

MAX_DAYS = 365


def _days_in_range(key, data, errors, context) -> None:
    if errors[key]:  # not a whole number: int_validator said so
        return
    # int_validator turns a blank value into None
    if data[key] is None or not 1 <= data[key] <= MAX_DAYS:
        errors[key].append(tk._("Must be between 1 and {max} days").format(max=MAX_DAYS))


@tk.validator_args
def exchange_stats_schema(default, int_validator):
    return {"days": [default(30), int_validator, _days_in_range]}


@tk.side_effect_free
def govshare_exchange_stats(context, data_dict):
    """The data bureau's view of the exchange: per node, per department and per day.

    :param days: how many days the time series covers, today included (1 to 365,
        default 30)
    :type days: int
    :returns: ``days``; ``totals`` (nodes, datasets, withdrawn, bytes, files_failed,
        errors, nodes_never_succeeded); ``nodes``, one per harvest source (id, name, title,
        url, type, active, department_id, department_title, datasets, withdrawn, bytes,
        files by transfer, jobs {count, finished}, errors by kind with their total,
        last_success, last_job_status); ``departments`` (id, name, title, datasets, bytes,
        nodes, errors); ``series`` (dates, and per node that delivered in that time its
        id, title and a count of datasets and of bytes per date)
    :rtype: dictionary
    """
    data = authorized_and_valid("govshare_exchange_stats", exchange_stats_schema, context,
                                data_dict)
    return stats.exchange_stats(days=data["days"])
