"""The embedded Airflow's environment: SQLite waits for its write lock, other databases are left alone."""

from __future__ import annotations

import importlib

from newsingest.config import load_settings
from newsingest.services.airflow import airflow_env

KEYS = ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC")


def test_sqlite_metadata_db_waits_for_the_write_lock(monkeypatch):
    for key in (*KEYS, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"):
        monkeypatch.delenv(key, raising=False)
    env = airflow_env(load_settings())
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("sqlite:///")
    for key in KEYS:
        module, _, name = env[key].rpartition(".")
        args = getattr(importlib.import_module(module), name)
        assert args["timeout"] >= 30


def test_a_users_database_gets_no_sqlite_connect_args(monkeypatch):
    for key in KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "postgresql+psycopg2://airflow@db/airflow")
    env = airflow_env(load_settings())
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")
    assert not any(key in env for key in KEYS)
