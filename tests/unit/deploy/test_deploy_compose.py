"""docker-compose.yaml and .env.example, checked without a Docker engine.

The schema is the Compose specification's JSON schema as vendored by check-jsonschema 0.39.0
(tests/unit/deploy/data/compose-spec.json, see data/README.md); the file is interpolated with the
values of .env.example first, as ``docker compose config`` does.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from compose_support import (
    COMPOSE_FILE,
    ENV_EXAMPLE,
    REPO,
    InterpolationError,
    filled_env,
    interpolate,
    interpolate_tree,
    load_compose,
    load_schema,
    read_env_file,
    variables_used,
)

ONE_SHOT = {"opensearch-setup", "minio-init", "airflow-init", "dashboards-import"}
AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}


@pytest.fixture(scope="module")
def raw() -> dict:
    return load_compose()


@pytest.fixture(scope="module")
def resolved(raw) -> dict:
    return interpolate_tree(raw, filled_env())


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = load_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _errors(validator, doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def pom_opensearch_version() -> str:
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    root = ET.parse(REPO / "include" / "opensearch" / "pom.xml").getroot()
    node = root.find("m:properties/m:opensearch.version", ns)
    assert node is not None and node.text, "opensearch.version missing from include/opensearch/pom.xml"
    return node.text.strip()


def test_compose_file_validates_against_the_compose_spec_schema(resolved, validator):
    assert _errors(validator, resolved) == []


def test_schema_check_rejects_a_broken_file(resolved, validator):
    broken = copy.deepcopy(resolved)
    broken["services"]["redis"]["healthcheck"]["interval"] = ["10s"]
    broken["services"]["postgres"]["restart_policy"] = "always"  # not a service key
    errors = _errors(validator, broken)
    assert any("redis/healthcheck/interval" in e for e in errors), errors
    assert any("postgres" in e and "restart_policy" in e for e in errors), errors


def test_expected_services_exist(resolved):
    services = set(resolved["services"])
    required = AIRFLOW_SERVICES | ONE_SHOT | {"postgres", "redis", "minio", "opensearch-dashboards"}
    required |= {"opensearch-node1", "opensearch-node2"}
    assert required <= services, f"missing: {sorted(required - services)}"


def test_every_long_running_service_has_a_real_healthcheck(resolved):
    for name, svc in resolved["services"].items():
        check = svc.get("healthcheck")
        assert check, f"service {name} has no healthcheck"
        if name in ONE_SHOT:
            assert check == {"disable": True}, f"one-shot {name}: healthcheck should be disabled explicitly"
            assert svc.get("restart") == "no", f"one-shot {name} must not restart"
            continue
        test = check.get("test")
        assert isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL") and len(test) > 1, name
        assert not check.get("disable"), name
        for key in ("interval", "timeout", "retries"):
            assert key in check, f"service {name}: healthcheck without {key}"


def test_one_shot_jobs_are_awaited_by_completion(resolved):
    waited: set[str] = set()
    for svc in resolved["services"].values():
        for dep, cond in (svc.get("depends_on") or {}).items():
            if dep in ONE_SHOT:
                assert cond["condition"] == "service_completed_successfully", dep
                waited.add(dep)
    assert waited == ONE_SHOT - {"dashboards-import"}  # the import job is the last step: nothing waits


def test_depends_on_names_existing_services_with_a_condition(resolved):
    services = resolved["services"]
    for name, svc in services.items():
        for dep, cond in (svc.get("depends_on") or {}).items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            assert cond.get("condition") in ("service_healthy", "service_completed_successfully"), name
            if dep not in ONE_SHOT:
                assert cond["condition"] == "service_healthy", f"{name} -> {dep}"


def test_images_are_pinned(resolved):
    for name, svc in resolved["services"].items():
        image = svc.get("image")
        assert image, f"service {name} has no image"
        repo, _, tag = image.rpartition(":")
        assert repo and tag and "/" not in tag, f"service {name}: image {image!r} has no tag"
        assert tag != "latest" and "latest" not in tag, f"service {name}: image {image!r} is not pinned"
        assert re.search(r"\d", tag), f"service {name}: tag {tag!r} names no version"


def test_opensearch_images_match_the_embedded_node_version(resolved):
    version = pom_opensearch_version()
    images = {
        name: svc["image"]
        for name, svc in resolved["services"].items()
        if svc["image"].startswith("opensearchproject/")
    }
    assert set(images) == {"opensearch-node1", "opensearch-node2", "opensearch-dashboards"}
    for name, image in images.items():
        assert image.endswith(f":{version}"), f"{name}: {image} differs from the embedded node {version}"


def test_airflow_image_matches_the_locked_airflow_version(raw):
    pins = (REPO / "requirements.txt").read_text()
    version = re.search(r"^apache-airflow==(\S+)", pins, re.M).group(1)
    build = raw["x-newsingest-build"]
    assert build["args"]["AIRFLOW_IMAGE"] == f"apache/airflow:{version}-python3.11"


def test_worker_scales(resolved):
    worker = resolved["services"]["airflow-worker"]
    assert "container_name" not in worker
    assert not worker.get("ports"), "a scaled worker cannot publish a fixed host port"
    assert worker["command"] == "celery worker"
    env = worker["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")


def test_airflow_services_share_secrets_from_env(raw, resolved):
    secrets = {
        "AIRFLOW__CORE__FERNET_KEY": "AIRFLOW_FERNET_KEY",
        "AIRFLOW__API_AUTH__JWT_SECRET": "AIRFLOW_JWT_SECRET",
        "AIRFLOW__API__SECRET_KEY": "AIRFLOW_API_SECRET_KEY",
    }
    env_values = filled_env()
    for name in AIRFLOW_SERVICES | {"airflow-init"}:
        svc = resolved["services"][name]
        for key, var in secrets.items():
            assert svc["environment"][key] == env_values[var], f"{name}: {key}"
            assert f"${{{var}:?" in raw["x-airflow-common"]["environment"][key], f"{key} must be required"


def test_every_published_port_binds_to_the_configured_address(raw):
    for name, svc in raw["services"].items():
        for port in svc.get("ports") or []:
            assert str(port).startswith("${BIND_ADDRESS:-127.0.0.1}:"), f"{name}: {port}"


def test_named_volumes_are_declared_and_bind_mounts_exist(resolved):
    declared = set(resolved.get("volumes") or {})
    for name, svc in resolved["services"].items():
        for vol in svc.get("volumes") or []:
            if isinstance(vol, dict):
                source, kind = vol["source"], vol["type"]
            else:
                source, kind = vol.split(":")[0], ("bind" if vol.startswith((".", "/")) else "volume")
            if kind == "volume":
                assert source in declared, f"{name}: volume {source} not declared"
            else:
                assert (REPO / source).exists(), f"{name}: bind mount {source} does not exist in the repo"
    assert {"postgres-data", "opensearch-data1", "opensearch-data2", "minio-data", "pki"} <= declared


def test_opensearch_cluster_runs_with_security_and_tls(resolved):
    for node in ("opensearch-node1", "opensearch-node2"):
        svc = resolved["services"][node]
        assert svc["environment"]["DISABLE_INSTALL_DEMO_CONFIG"] == "true"
        assert "DISABLE_SECURITY_PLUGIN" not in svc["environment"]
        assert "https://localhost:9200" in " ".join(svc["healthcheck"]["test"])
        assert "--cacert" in " ".join(svc["healthcheck"]["test"]), "healthcheck must verify TLS"
        assert svc["depends_on"]["opensearch-setup"]["condition"] == "service_completed_successfully"
    env = resolved["services"]["airflow-worker"]["environment"]
    assert env["NEWSINGEST_OPENSEARCH_URL"].startswith("https://")
    assert env["NEWSINGEST_STORAGE_ROOT"].startswith("s3://")


def test_every_variable_used_is_documented_in_env_example():
    documented = set(read_env_file(ENV_EXAMPLE))
    used = variables_used(COMPOSE_FILE.read_text())
    assert used, "found no variables: the scanner is broken"
    assert used - documented == set(), f"undocumented variables: {sorted(used - documented)}"
    assert documented - used == set(), f".env.example lists unused variables: {sorted(documented - used)}"


def test_env_example_commits_no_secret():
    env = read_env_file(ENV_EXAMPLE)
    secret_like = re.compile(r"PASSWORD|SECRET|FERNET|_KEY$|ACCESS_KEY|ROOT_USER")
    for key, value in env.items():
        if secret_like.search(key):
            assert value == "", f".env.example must leave {key} empty (REQUIRED), found a value"
    text = ENV_EXAMPLE.read_text()
    for key in (k for k in env if secret_like.search(k)):
        block = text.split(f"\n{key}=")[0].rsplit("\n\n", 1)[-1]
        assert "REQUIRED" in block, f"{key}: the comment above it should say REQUIRED"


def test_missing_required_secret_stops_compose(raw):
    env = filled_env()
    env["AIRFLOW_FERNET_KEY"] = ""
    with pytest.raises(InterpolationError, match="AIRFLOW_FERNET_KEY"):
        interpolate_tree(raw, env)


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("${A:-x}", {}, "x"),
        ("${A:-x}", {"A": ""}, "x"),
        ("${A-x}", {"A": ""}, ""),
        ("$A/${B}", {"A": "1", "B": "2"}, "1/2"),
        ("$${HOSTNAME}", {"HOSTNAME": "h"}, "${HOSTNAME}"),
        ("${A:+set}", {"A": "1"}, "set"),
    ],
)
def test_interpolation_follows_compose_rules(text, env, expected):
    assert interpolate(text, env) == expected


def test_interpolation_rejects_bad_syntax():
    with pytest.raises(InterpolationError):
        interpolate("cost: $5", {})
