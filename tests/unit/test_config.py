"""The settings tree: one read of the environment, every bad variable named, sub-trees passed down."""

from __future__ import annotations

from datetime import time

import pytest
from newsingest.config import ConfigError, check_environment, load_settings
from newsingest.crawl.config import CrawlConfig
from newsingest.errors import PermanentError


def test_defaults_fill_every_subtree() -> None:
    settings = load_settings({})
    assert settings.crawl == CrawlConfig()
    assert settings.enrich.ner_languages == ("en",) and settings.enrich.langid_mode == "low"
    assert settings.index.auth == "basic" and settings.index.verify_certs is True
    assert settings.index.runs_index == "newsingest-runs" and settings.index.lease_ttl == 60.0
    assert settings.schedule.time == time(2, 0) and settings.schedule.crawl_pool_slots == 4
    assert settings.gate.overrides == ()
    assert settings.clean.min_body_chars == 250


def test_variables_reach_their_subtree() -> None:
    settings = load_settings(
        {
            "NEWSINGEST_CRAWL_MAX_ATTEMPTS": "2",
            "NEWSINGEST_CRAWL_SSRF_EXEMPT": "127.0.0.1:8765, localhost:8765",
            "NEWSINGEST_NER_LANGUAGES": "EN, de",
            "NEWSINGEST_KEYWORDS_CHARS": "0",
            "NEWSINGEST_OPENSEARCH_VERIFY_CERTS": "false",
            "NEWSINGEST_RUNS_INDEX": "runs-x",
            "NEWSINGEST_SCHEDULE_TIME": "03:30",
            "NEWSINGEST_GATE_TITLE_FILL_FAIL_BELOW": "0.5",
        }
    )
    assert settings.crawl.max_attempts == 2
    assert settings.crawl.ssrf_exempt == ("127.0.0.1:8765", "localhost:8765")
    assert settings.enrich.ner_languages == ("en", "de") and settings.enrich.keywords_chars == 0
    assert settings.index.verify_certs is False and settings.index.runs_index == "runs-x"
    assert settings.schedule.time == time(3, 30)
    assert settings.gate.overrides == (("NEWSINGEST_GATE_TITLE_FILL_FAIL_BELOW", "0.5"),)


def test_aws_region_prefers_the_newsingest_variable() -> None:
    env = {
        "NEWSINGEST_OPENSEARCH_AUTH": "sigv4",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "us-east-1",
    }
    assert load_settings(env).index.aws_region == "us-east-1"
    env["NEWSINGEST_OPENSEARCH_AWS_REGION"] = "ap-south-1"
    options = load_settings(env).index.client_options()
    assert options["aws_region"] == "ap-south-1" and "username" not in options


def test_every_bad_variable_is_named_in_one_error() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(
            {
                "NEWSINGEST_CRAWL_MAX_ATTEMPTS": "many",
                "NEWSINGEST_LANGID_MODE": "fast",
                "NEWSINGEST_SCHEDULE_TIME": "2am",
                "NEWSINGEST_BATCH_SIZE": "0",
            }
        )
    message = str(caught.value)
    for part in (
        "NEWSINGEST_CRAWL_MAX_ATTEMPTS='many': expected a whole number",
        "NEWSINGEST_LANGID_MODE='fast'",
        "NEWSINGEST_SCHEDULE_TIME='2am': expected HH:MM",
        "NEWSINGEST_BATCH_SIZE='0': must be at least 1",
    ):
        assert part in message
    assert isinstance(caught.value, PermanentError) and isinstance(caught.value, ValueError)


def test_check_environment_validates_the_gate_overrides() -> None:
    with pytest.raises(ConfigError, match="NEWSINGEST_GATE_TITLE_FILL_MAX"):
        check_environment({"NEWSINGEST_GATE_TITLE_FILL_MAX": "1"})


def test_crawl_config_from_env_is_the_crawl_subtree() -> None:
    env = {"NEWSINGEST_CRAWL_OBEY_ROBOTS": "no", "NEWSINGEST_BATCH_SIZE": "nonsense"}
    assert CrawlConfig.from_env(env) == load_settings({"NEWSINGEST_CRAWL_OBEY_ROBOTS": "no"}).crawl


def test_config_from_env() -> None:
    cfg = CrawlConfig.from_env(
        {
            "NEWSINGEST_CRAWL_MAX_ATTEMPTS": "2",
            "NEWSINGEST_CRAWL_OBEY_ROBOTS": "false",
            "NEWSINGEST_CRAWL_SSRF_EXEMPT": "127.0.0.1:8765, localhost:8765",
            "NEWSINGEST_CRAWL_READ_TIMEOUT": "1.5",
        }
    )
    assert (cfg.max_attempts, cfg.obey_robots, cfg.read_timeout) == (2, False, 1.5)
    assert cfg.ssrf_exempt == ("127.0.0.1:8765", "localhost:8765")
    with pytest.raises(ValueError, match="NEWSINGEST_CRAWL_MAX_ATTEMPTS='many'"):
        CrawlConfig.from_env({"NEWSINGEST_CRAWL_MAX_ATTEMPTS": "many"})


def test_services_subtree_is_read_from_its_own_variables_only() -> None:
    from pathlib import Path

    from newsingest.config import services_settings

    env = {
        "NEWSINGEST_POSTGRES_PORT": "15999",
        "NEWSINGEST_POSTGRES_BIN": "/opt/pg/bin",
        "JAVA_HOME": "/opt/jdk",
        "NEWSINGEST_CLUSTER_HEAP": "1g",
        "NEWSINGEST_BATCH_SIZE": "not a number",  # another subtree's bad value does not stop a launcher
    }
    services = services_settings(env)
    assert services.postgres_port == 15999 and services.postgres_bin == Path("/opt/pg/bin")
    assert services.system_java_home == Path("/opt/jdk") and services.java_home is None
    assert services.cluster_heap == "1g" and services.airflow_port == 8080
    with pytest.raises(ConfigError, match="NEWSINGEST_CLUSTER_PORT='80': must be at least 1024"):
        services_settings({"NEWSINGEST_CLUSTER_PORT": "80"})
    assert load_settings({"NEWSINGEST_AIRFLOW_PORT": "8311"}).services.airflow_port == 8311
