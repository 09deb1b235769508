"""The embedded Airflow's environment: PostgreSQL by default, SQLite waits for its write lock, a user's
database is left alone."""

from __future__ import annotations

import dataclasses
import importlib
import os

from newsingest.config import load_settings
from newsingest.services.airflow import AirflowStandalone, airflow_env

KEYS = ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC")
CONN = "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"


def test_the_default_metadata_db_is_the_state_folders_postgres(monkeypatch, tmp_path):
    for key in (*KEYS, CONN):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("NEWSINGEST_POSTGRES_PORT", "15999")
    settings = dataclasses.replace(load_settings(), home=tmp_path / "home")
    env = airflow_env(settings)
    password = (tmp_path / "home" / "postgres" / "password").read_text().strip()
    assert env[CONN] == f"postgresql+psycopg2://newsingest:{password}@127.0.0.1:15999/airflow"
    assert not any(key in env for key in KEYS)
    assert AirflowStandalone(settings).postgres.port == 15999


def test_sqlite_metadata_db_waits_for_the_write_lock(monkeypatch, tmp_path):
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv(CONN, f"sqlite:///{tmp_path / 'airflow.db'}")
    env = airflow_env(load_settings())
    assert env[CONN].startswith("sqlite:///")
    for key in KEYS:
        module, _, name = env[key].rpartition(".")
        args = getattr(importlib.import_module(module), name)
        assert args["timeout"] >= 30


def test_a_users_database_gets_no_sqlite_connect_args_and_no_embedded_server(monkeypatch):
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv(CONN, "postgresql+psycopg2://airflow@db/airflow")
    env = airflow_env(load_settings())
    assert env[CONN] == "postgresql+psycopg2://airflow@db/airflow"
    assert not any(key in env for key in KEYS)
    assert AirflowStandalone(load_settings()).postgres is None


def test_an_explicit_database_wins_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(CONN, "sqlite:////elsewhere.db")
    env = airflow_env(load_settings(), home=tmp_path, database_url="postgresql+psycopg2://u:p@127.0.0.1:1/x")
    assert env[CONN] == "postgresql+psycopg2://u:p@127.0.0.1:1/x"


def test_sqlite_connect_args_left_in_the_environment_do_not_reach_postgres(monkeypatch, tmp_path):
    from newsingest.services.airflow import process_env

    monkeypatch.setenv(CONN, f"sqlite:///{tmp_path / 'airflow.db'}")
    for key, value in airflow_env(load_settings()).items():
        monkeypatch.setenv(key, value)  # what the test session's setup leaves behind
    assert all(key in os.environ for key in KEYS)
    env = process_env(load_settings(), home=tmp_path, database_url="postgresql+psycopg2://u:p@127.0.0.1:1/x")
    assert env[CONN].startswith("postgresql") and not any(key in env for key in KEYS)
