"""How many Solr requests and SQL statements one web request causes, counted at the servers.

Solr: its request logger is switched to INFO for the count, and the requests a core received
are read back, with their parameters, from Solr's log history (the admin logging API), so the
benchmark can also send the very same queries to Solr directly. PostgreSQL: statement logging
(`log_statement = all`, database name as line prefix) is switched on with ALTER SYSTEM and a
configuration reload, which reaches the web servers' pooled connections too, and the new
lines of the server log are counted. Both are switched off again afterwards, so they never
slow the latency measurements. Counting needs nothing else running against the same core or
database.
"""
from __future__ import annotations

import re
import sys
import time
import urllib.parse
from typing import Callable

import requests

from harness import REPO, BenchError

sys.path.insert(0, str(REPO / "scripts"))
import stack  # noqa: E402  (the local stack's PostgreSQL: superuser psql, server log)

REQUEST_LOGGER = "org.apache.solr.core.SolrCore.Request"
SOLR_REQUEST = re.compile(r"path=(?P<path>\S+) params=\{(?P<params>.*)\} (?:hits|status)=")
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class SolrRecorder:
    """The requests that Solr cores receive while a function runs."""

    def __init__(self, solr_url: str):
        self.admin = f"{solr_url.rstrip('/')}/admin/info/logging"

    def _logging(self, **params) -> dict:
        try:
            response = requests.get(self.admin, params={"wt": "json", **params}, timeout=30)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as error:
            raise BenchError(f"Solr's logging API did not answer: {error}") from None

    def __enter__(self) -> "SolrRecorder":
        self._logging(set=f"{REQUEST_LOGGER}:INFO", threshold="INFO")
        return self

    def __exit__(self, *exc) -> None:
        self._logging(set=f"{REQUEST_LOGGER}:WARN", threshold="WARN")

    def record(self, core: str, action: Callable[[], object]) -> list[tuple[str, list]]:
        """(path, parameters) of each request ``core`` received while ``action`` ran."""
        since = self._logging(since=0)["info"].get("last", 0)
        action()
        time.sleep(0.1)
        events = self._logging(since=since)["history"]["docs"]
        recorded = []
        for event in events:
            match = SOLR_REQUEST.search(event.get("message", ""))
            if event.get("logger") == REQUEST_LOGGER and event.get("core") == core and match:
                recorded.append((match["path"], urllib.parse.parse_qsl(
                    match["params"], keep_blank_values=True)))
        return recorded


class SqlCounter:
    """The SQL statements (transaction control aside) a database receives while a function
    runs."""

    def __init__(self):
        self.settings = stack.Settings.from_env()
        self.log = self.settings.path("postgres", "postgres.log")

    def _system(self, *statements: str) -> None:
        try:
            for statement in statements:
                stack.psql(self.settings, statement)
            stack.psql(self.settings, "SELECT pg_reload_conf()")
        except stack.StackError as error:
            raise BenchError(str(error)) from None
        time.sleep(0.3)

    def __enter__(self) -> "SqlCounter":
        self._system("ALTER SYSTEM SET log_statement = 'all'",
                     "ALTER SYSTEM SET log_line_prefix = '[%d] '")
        return self

    def __exit__(self, *exc) -> None:
        self._system("ALTER SYSTEM RESET log_statement", "ALTER SYSTEM RESET log_line_prefix")

    def count(self, database: str, action: Callable[[], object]) -> int:
        start = self.log.stat().st_size
        action()
        time.sleep(0.2)
        with open(self.log, "rb") as log:
            log.seek(start)
            lines = log.read().decode("utf-8", "replace").splitlines()
        marker = f"[{database}] LOG:  statement: "
        return sum(1 for line in lines if line.startswith(marker)
                   and not line[len(marker):].lstrip().upper().startswith(TRANSACTION_CONTROL))
