"""The production deployment in docker/: checked with `docker compose config` and by reading
(no Docker engine runs here)."""
from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from conftest import REPO

DOCKER = REPO / "docker"
COMPOSE = DOCKER / "docker-compose.yml"


def compose_config(env_file):
    return subprocess.run(
        ["docker", "compose", "--env-file", str(env_file), "-f", str(COMPOSE), "config"],
        capture_output=True, text=True, check=False, timeout=60)


@pytest.fixture
def env_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text((DOCKER / ".env.example").read_text())
    return path


def test_compose_file_is_valid_with_the_example_environment(env_file):
    result = compose_config(env_file)

    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert set(services) == {"ckan", "worker", "harvest-gather", "harvest-fetch",
                             "exchange-watch", "nginx", "db", "solr", "redis"}
    assert all("healthcheck" in service for service in services.values())


def test_ckan_and_worker_run_on_the_official_base_with_env_config(env_file):
    services = yaml.safe_load(compose_config(env_file).stdout)["services"]

    assert services["ckan"]["build"]["dockerfile"].endswith("docker/ckan/Dockerfile")
    assert services["worker"]["image"] == services["ckan"]["image"]
    assert "jobs" in services["worker"]["command"]
    for consumer in ("harvest-gather", "harvest-fetch", "exchange-watch"):
        assert services[consumer]["image"] == services["ckan"]["image"]
        assert services[consumer]["environment"] == services["worker"]["environment"]
        assert services[consumer]["volumes"] == services["worker"]["volumes"]
    assert services["ckan"]["environment"]["CKAN_SOLR_URL"] == "http://solr:8983/solr/ckan"
    assert "FROM ckan/ckan-base:2.11" in (DOCKER / "ckan" / "Dockerfile").read_text()
    assert "FROM ckan/ckan-solr:2.11-solr9" in (DOCKER / "solr" / "Dockerfile").read_text()


def test_a_missing_secret_is_refused(env_file):
    env_file.write_text(re.sub(r"(?m)^CKAN___SECRET_KEY=.*$", "", env_file.read_text()))

    result = compose_config(env_file)

    assert result.returncode != 0
    assert "CKAN___SECRET_KEY" in result.stderr


def test_secrets_come_only_from_the_environment():
    raw = yaml.safe_load(COMPOSE.read_text())
    environments = [raw["x-ckan-env"]] + [
        service.get("environment", {}) for service in raw["services"].values()
        if isinstance(service.get("environment"), dict)]
    secret_values = [value for env in environments for key, value in env.items()
                     if re.search("PASSWORD|SECRET", key)]

    assert secret_values
    assert all(str(value).startswith("${") for value in secret_values), secret_values


@pytest.mark.parametrize("dockerfile", sorted(DOCKER.glob("*/Dockerfile")),
                         ids=lambda p: p.parent.name)
def test_files_the_dockerfiles_copy_exist(dockerfile):
    for line in dockerfile.read_text().splitlines():
        if line.startswith("COPY") and "--from=" not in line:
            sources = [part for part in line.split()[1:-1] if not part.startswith("--")]
            for source in sources:
                assert (REPO / source).exists(), f"{dockerfile.name}: {source} is missing"
