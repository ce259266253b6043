"""``ckan govshare ...`` commands."""
from __future__ import annotations

import json
import os

import click
import yaml

import ckan.plugins.toolkit as tk

from . import demo, search_quality

__all__ = ["govshare"]


@click.group(short_help="GovShare catalog commands.")
def govshare():
    """GovShare catalog commands."""


@govshare.group("classification")
def classification_group():
    """The catalog classification tree."""


@classification_group.command("seed")
def classification_seed():
    """Create the bundled classification nodes (base, theme and department classes)."""
    nodes = demo.classification_tree()
    with click.progressbar(length=len(nodes), label="Seeding classification",
                           show_pos=True) as bar:
        created = demo.seed_classification(_advancing(bar))
    click.secho(f"Classification: {created} nodes created, "
                f"{len(nodes) - created} already present", fg="green")


def _advancing(bar):
    """Wrap an iterable so that each item advances ``bar``."""
    def progress(items):
        for item in items:
            yield item
            bar.update(1)
    return progress


@govshare.group("demo")
def demo_group():
    """The demo catalog."""


@demo_group.command("load")
@click.option("--admin", "admin_name", default="govshare_admin", show_default=True,
              help="Sysadmin that owns the demo data; created if missing.")
@click.option("--credentials-file", type=click.Path(dir_okay=False),
              help="Write the admin's name, password (when created now) and a new API token "
                   "here, readable by the owner only. Skipped if the file already exists.")
def demo_load(admin_name: str, credentials_file: str | None):
    """Load the demo departments and catalog entries through the Action API."""
    user, password = demo.ensure_sysadmin(admin_name)
    if credentials_file and not os.path.exists(credentials_file):
        token = demo.issue_token(user["name"], "govshare-demo")
        _write_private(credentials_file, {
            "GOVSHARE_ADMIN": user["name"],
            "GOVSHARE_ADMIN_PASSWORD": password or "",
            "GOVSHARE_ADMIN_TOKEN": token,
        })
        click.echo(f"Admin credentials written to {credentials_file}")

    entries = len(demo.catalog()["datasets"])
    with click.progressbar(length=entries, label="Loading demo catalog", show_pos=True) as bar:
        counts = demo.load(user["name"], _advancing(bar))
    click.secho(
        "Demo catalog: {organizations_created} departments created, "
        "{datasets_created} entries created, {datasets_present} already present".format(**counts),
        fg="green",
    )


def _write_private(path: str, values: dict[str, str]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.writelines(f"{key}={value}\n" for key, value in values.items())


@govshare.command("search-quality")
@click.argument("queries_file", type=click.File("r", encoding="utf-8"))
@click.option("--json", "json_out", type=click.File("w", encoding="utf-8"),
              help="Also write every query's results and the summary as JSON here.")
@click.option("--stock-query", is_flag=True,
              help="Send CKAN's own query fields (for a Solr core with stock text analysis).")
def search_quality_command(queries_file, json_out, stock_query):
    """Measure search relevance (precision@5, top-1 hits) over a YAML query set."""
    queries = yaml.safe_load(queries_file)
    with click.progressbar(length=len(queries), label="Running queries", show_pos=True) as bar:
        results = search_quality.evaluate(
            queries, lambda q: search_quality.package_search(q, stock=stock_query),
            _advancing(bar))
    for result in results:
        mark = "ok " if result.top1 else "MISS"
        click.echo(f"{mark} P@5={result.precision:.2f} found={result.found:<3} {result.q}")
    totals = search_quality.summary(results)
    click.secho(json.dumps(totals, ensure_ascii=False), fg="green")
    if json_out:
        json.dump({"summary": totals, "queries": [r.as_dict() for r in results]}, json_out,
                  ensure_ascii=False, indent=1)


@govshare.group("requests")
def requests_group():
    """Conditional-access requests."""


@requests_group.command("check")
def requests_check():
    """Expire approvals past their date and flag overdue requests (run daily, e.g. from cron)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    result = tk.get_action("govshare_access_request_check")({"user": site_user["name"]}, {})
    click.echo(f"expired: {result['expired']}, flagged overdue: {result['overdue']}")


@govshare.group("exchange")
def exchange_group():
    """The data sharing exchange's harvest operations."""


@exchange_group.command("check")
def exchange_check():
    """One pass: re-queue abandoned objects, finish or abort jobs (e.g. from cron)."""
    from .exchange import watchdog
    click.echo(json.dumps(watchdog.check()))


@exchange_group.command("watch")
@click.option("--interval", type=click.IntRange(min=1),
              help="Seconds between passes (default: ckanext.govshare.exchange.check_interval).")
def exchange_watch(interval: int | None):
    """Run the check for ever, every INTERVAL seconds (started by `make up`)."""
    import time

    import ckan.model as model

    from .exchange import watchdog
    interval = interval or tk.config["ckanext.govshare.exchange.check_interval"]
    while True:
        try:
            result = watchdog.check()
            if result["requeued"]:
                click.echo(f"re-queued {result['requeued']} abandoned objects", err=True)
        except Exception as error:  # a database or Redis hiccup must not end the watch
            click.echo(f"exchange check failed: {error}", err=True)
        # no transaction left open while sleeping: it would hold back vacuum and DDL
        model.Session.remove()
        time.sleep(interval)
