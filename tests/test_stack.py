"""scripts/stack.py: what `make up` / `make down` run. Problems read as one plain sentence
(exit status 1, no traceback); a second `up` is harmless; `down` stops only its own pids."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from conftest import REPO, RUN_DIR

STACK = str(REPO / "scripts" / "stack.py")


def run_stack(command: str, run_dir, env: dict[str, str] | None = None, timeout: int = 300):
    environment = {**os.environ, "GOVSHARE_RUN_DIR": str(run_dir), **(env or {})}
    return subprocess.run([sys.executable, STACK, command], env=environment, timeout=timeout,
                          capture_output=True, text=True, check=False)


def assert_plain_error(result, *fragments: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert result.stderr.startswith("govshare: error: "), output
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.fixture
def occupied_port():
    """A port on 127.0.0.1 held by another process (this one)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("command, env_var, service", [
    ("postgres", "GOVSHARE_PG_PORT", "PostgreSQL"),
    ("redis", "GOVSHARE_REDIS_PORT", "Redis"),
    ("solr", "GOVSHARE_SOLR_PORT", "Solr"),
    ("web", "GOVSHARE_WEB_PORT", "CKAN"),
])
def test_taken_port_is_reported_plainly(tmp_path, occupied_port, command, env_var, service):
    result = run_stack(command, tmp_path, {env_var: str(occupied_port)})

    assert_plain_error(result, f"port {occupied_port} on 127.0.0.1 is already in use",
                       f"{service} cannot start", env_var)


def test_default_ports_held_by_the_running_stack_are_reported_with_their_owner(tmp_path):
    # a second run directory finds the port taken by the first stack's PostgreSQL
    port = os.environ.get("GOVSHARE_PG_PORT", "5432")
    result = run_stack("postgres", tmp_path)

    assert_plain_error(result, f"port {port} on 127.0.0.1 is already in use by postgres (pid ")


def test_missing_java_is_reported_plainly(tmp_path):
    result = run_stack("check-java", tmp_path, {"PATH": str(tmp_path)})

    assert_plain_error(result, "java was not found on PATH", "Java 11 or later")


def test_unreachable_postgresql_is_reported_plainly(tmp_path):
    port = free_port()

    result = run_stack("check-db", tmp_path, {"GOVSHARE_PG_PORT": str(port)})

    assert_plain_error(result, f"PostgreSQL is not reachable at 127.0.0.1:{port}")


def test_reachable_postgresql_passes_the_check(tmp_path):
    result = run_stack("check-db", tmp_path)

    assert result.returncode == 0, result.stderr


def test_bad_port_setting_is_reported_plainly(tmp_path):
    result = run_stack("status", tmp_path, {"GOVSHARE_SOLR_PORT": "80a"})

    assert_plain_error(result, "GOVSHARE_SOLR_PORT='80a' is not a TCP port number")


def test_down_stops_only_what_its_run_directory_started(tmp_path):
    port = free_port()
    env = {"GOVSHARE_REDIS_PORT": str(port)}
    assert run_stack("redis", tmp_path, env).returncode == 0
    pid = int((tmp_path / "redis" / "redis.pid").read_text())

    result = run_stack("down", tmp_path, env)

    assert result.returncode == 0, result.stderr
    assert f"stopped Redis (pid {pid})" in result.stdout
    assert not (tmp_path / "redis" / "redis.pid").exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    # the main stack's Redis is untouched
    socket.create_connection(("127.0.0.1", 6379), timeout=2).close()


def test_up_twice_is_harmless():
    """`make up` on a running stack: nothing restarted, nothing duplicated."""
    before = (RUN_DIR / "ckan" / "web.pid").read_text()

    result = run_stack("up", RUN_DIR)

    assert result.returncode == 0, result.stderr
    assert "PostgreSQL already running" in result.stdout
    assert "Solr already running" in result.stdout
    assert "CKAN already serving" in result.stdout
    assert "0 departments created, 0 entries created" in result.stdout
    assert (RUN_DIR / "ckan" / "web.pid").read_text() == before
