"""The exchange dashboard for the data bureau: what each department node delivered and how
well, with a chart of deliveries per day and the tables as CSV and xlsx."""
from __future__ import annotations

import csv
import io
import math
from operator import itemgetter
from typing import Any, Callable

from flask import Blueprint, Response
from openpyxl import Workbook
from openpyxl.styles import Font

import ckan.plugins.toolkit as tk

__all__ = ["exchange"]

exchange = Blueprint("govshare_exchange", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Tableau 10: colours told apart at a glance, also by most colour-blind readers
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
           "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
CHART_WIDTH, CHART_HEIGHT = 760, 260
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 44, 8, 10, 28
MAX_DATE_LABELS = 10

Column = tuple[str, Callable[[dict], Any]]


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _stats() -> dict[str, Any]:
    """The action's figures for ``?days=``; a 403 page for all but the data bureau, a 400
    page for a bad number of days."""
    params = {"days": tk.request.args["days"]} if "days" in tk.request.args else {}
    try:
        return tk.get_action("govshare_exchange_stats")(_context(), params)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error) or tk._("Not authorized"))
    except tk.ValidationError as error:
        return tk.abort(400, "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.error_dict.items()))


# --- labels shared by the page and the exports --------------------------------------------

def transfer_labels() -> dict[str, str]:
    _ = tk._
    return {"copied": _("Copied"), "converted": _("Converted"), "linked": _("Linked"),
            "not_copied": _("Not copied (not shared)"), "failed": _("Failed")}


def error_labels() -> dict[str, str]:
    _ = tk._
    return {"gather": _("Gather"), "fetch": _("Fetch"), "import": _("Import"),
            "transfer": _("Transfer"), "conversion": _("Conversion"), "other": _("Other")}


def job_status_labels() -> dict[str, str]:
    _ = tk._
    return {"New": _("Waiting"), "Running": _("Running"), "Finished": _("Finished")}


def _node_columns() -> list[Column]:
    _ = tk._
    statuses = job_status_labels()
    return [
        (_("Node"), itemgetter("title")),
        (_("Type"), itemgetter("type")),
        (_("Department"), itemgetter("department_title")),
        (_("Datasets received"), itemgetter("datasets")),
        (_("Withdrawn"), itemgetter("withdrawn")),
        (_("Bytes stored"), itemgetter("bytes")),
        *[(_("Files: {transfer}").format(transfer=label),
           lambda node, key=key: node["files"][key])
          for key, label in transfer_labels().items()],
        (_("Jobs"), lambda node: node["jobs"]["count"]),
        (_("Jobs finished"), lambda node: node["jobs"]["finished"]),
        *[(_("Errors: {kind}").format(kind=label), lambda node, key=key: node["errors"][key])
          for key, label in error_labels().items()],
        (_("Errors"), lambda node: node["errors"]["total"]),
        (_("Last successful harvest (UTC)"), lambda node: node["last_success"] or ""),
        (_("Last job"), lambda node: statuses.get(node["last_job_status"],
                                                  node["last_job_status"] or "")),
    ]


def _department_columns() -> list[Column]:
    _ = tk._
    return [(_("Department"), itemgetter("title")),
            (_("Datasets received"), itemgetter("datasets")),
            (_("Bytes stored"), itemgetter("bytes")),
            (_("Nodes"), itemgetter("nodes")),
            (_("Errors"), itemgetter("errors"))]


def _tables(stats: dict[str, Any]) -> list[tuple[str, list[list[Any]]]]:
    """The exported tables, each a title and its rows (the header first)."""
    def table(columns: list[Column], rows: list[dict]) -> list[list[Any]]:
        return [[label for label, _value in columns]] + [
            [value(row) for _label, value in columns] for row in rows]
    return [(tk._("Nodes"), table(_node_columns(), stats["nodes"])),
            (tk._("Departments"), table(_department_columns(), stats["departments"]))]


# --- the bar chart ---------------------------------------------------------------------------

def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value``."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def bar_chart(series: dict[str, Any]) -> dict[str, Any]:
    """Geometry of the stacked bar chart of datasets received per day, one colour per node:
    the template only draws it."""
    dates, nodes = series["dates"], series["nodes"]
    plot_width = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_height = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    baseline = PLOT_TOP + plot_height
    daily_totals = [sum(node["datasets"][day] for node in nodes) for day in range(len(dates))]
    top = _nice_ceiling(max(daily_totals, default=0))
    slot = plot_width / max(len(dates), 1)

    legend = [{"title": node["title"], "colour": PALETTE[index % len(PALETTE)]}
              for index, node in enumerate(nodes)]
    bars = []
    for day, date in enumerate(dates):
        stacked = 0
        for node, key in zip(nodes, legend):
            count = node["datasets"][day]
            if not count:
                continue
            height = count / top * plot_height
            bars.append({"x": round(PLOT_LEFT + day * slot + slot * 0.1, 1),
                         "y": round(baseline - stacked - height, 1),
                         "width": round(slot * 0.8, 1), "height": round(height, 1),
                         "colour": key["colour"], "node": node["title"], "date": date,
                         "count": count})
            stacked += height
    every = math.ceil(len(dates) / MAX_DATE_LABELS)
    return {
        "width": CHART_WIDTH, "height": CHART_HEIGHT, "left": PLOT_LEFT,
        "right": CHART_WIDTH - PLOT_RIGHT, "baseline": baseline,
        "bars": bars, "legend": legend,
        "y_ticks": [{"value": value, "y": round(baseline - value / top * plot_height, 1)}
                    for value in sorted({0, top // 2, top})],
        "x_labels": [{"label": date[5:], "x": round(PLOT_LEFT + (day + 0.5) * slot, 1)}
                     for day, date in enumerate(dates) if day % every == 0],
    }


# --- views -----------------------------------------------------------------------------------

@exchange.route("/exchange")
def dashboard():
    stats = _stats()
    return tk.render("govshare/exchange/dashboard.html", {
        "stats": stats, "chart": bar_chart(stats["series"]),
        "transfer_labels": transfer_labels(), "error_labels": error_labels(),
        "job_status_labels": job_status_labels()})


@exchange.route("/exchange/stats.csv")
def export_csv():
    """The node and department tables, one after the other, as CSV (UTF-8 with BOM, so
    that Excel opens the Chinese correctly)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for number, (_title, rows) in enumerate(_tables(_stats())):
        if number:
            writer.writerow([])
        writer.writerows(rows)
    return _attachment(out.getvalue().encode("utf-8"), "text/csv; charset=utf-8", "csv")


@exchange.route("/exchange/stats.xlsx")
def export_xlsx():
    """The node and department tables, a sheet each."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in _tables(_stats()):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return _attachment(out.getvalue(), XLSX, "xlsx")


def _attachment(body: bytes, mimetype: str, extension: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="govshare-exchange.{extension}"'})


@exchange.route("/exchange/node/<source>/token", methods=["GET", "POST"])
def node_token(source: str):
    """Set, replace or forget the token a source shows its node; the token is never shown.
    For the source's department admins and the data bureau."""
    data = {"source_id": source}
    errors: dict[str, list[str]] = {}
    try:
        if tk.request.method == "POST":
            if tk.request.form.get("forget"):
                tk.get_action("govshare_exchange_token_delete")(_context(), data)
                tk.h.flash_success(tk._("The token was forgotten; the next run reads only "
                                        "what the node shows to everyone"))
            else:
                tk.get_action("govshare_exchange_token_set")(
                    _context(), {**data, "api_token": tk.request.form.get("api_token", "")})
                tk.h.flash_success(tk._("The token was saved"))
            return tk.redirect_to("govshare_exchange.node_token", source=source)
        status = tk.get_action("govshare_exchange_token_status")(_context(), data)
    except tk.ObjectNotFound as error:
        return tk.abort(404, str(error))
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error) or tk._("Not authorized"))
    except tk.ValidationError as error:
        errors = error.error_dict
        status = tk.get_action("govshare_exchange_token_status")(_context(), data)
    return tk.render("govshare/exchange/token.html", {
        "source": tk.get_action("package_show")(_context(), {"id": source}),
        "status": status, "errors": errors}), 400 if errors else 200
