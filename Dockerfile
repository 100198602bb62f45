# One image for every Custodian process; docker-compose.yml gives each container its command:
#   gunicorn ... 'services.<name>.app:create_app()'   a service's HTTP API
#   python -m services.<name>.worker                  a service's outbox relay and consumers
#   gunicorn ... 'gateway.app:create_app()'           the browser-facing gateway
#   python -m services.common migrate                 the release step (every service's schema)
#   python deploy/nats/jetstream_init.py              replicated streams and session bucket
# Build: docker compose build, or docker build -t localhost/custodian .  (deploy/README.md)

FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The runtime dependencies only (requirements-test.txt is for `make test`), in a virtualenv
# that the final stage copies as it is.
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

# The exposed-passwords report's local range store (PWNED_RANGE_SOURCE=local), as `make install`
# builds it, into the virtualenv the final stage copies; production may set the public API instead.
COPY gateway/health/range_store.py /tmp/range_store.py
RUN python /tmp/range_store.py

# The translations, compiled as `make run` compiles them.
WORKDIR /app
COPY babel.cfg ./
COPY web/translations ./web/translations
RUN pybabel compile --use-fuzzy -d web/translations


FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# DejaVu Sans: the font invoices' PDFs embed, so that names in any script print (gateway/invoices.py).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*

# A user without a login, a home or any write access to the code. Nothing in the image is
# writable to it on purpose: a process started without its DATABASE_URL fails (it cannot
# create var/) instead of quietly keeping a SQLite file in the container.
RUN groupadd --system --gid 10001 custodian \
    && useradd --system --uid 10001 --gid custodian --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin custodian

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . .
COPY --from=build /app/web/translations ./web/translations
RUN python -m compileall -q /app

# The one writable place: where orgs keeps Sends' files (ciphertext) with SEND_STORE=local. Compose
# mounts one named volume here in every orgs container, which takes this folder's owner and mode.
RUN mkdir -p /srv/custodian/sends && chown custodian:custodian /srv/custodian/sends && chmod 700 /srv/custodian/sends

USER custodian:custodian
EXPOSE 8000

# Every process reads its settings from the environment (README.md, "Configuration"); this
# default only shows the gateway when the image is run without a command.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "4", "--no-control-socket", \
     "--worker-tmp-dir", "/dev/shm", "gateway.app:create_app()"]
