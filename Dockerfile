# Bluebook Bot: slim image, non-root user, tzdata for fact-of-the-day time zones.
# The base image is pinned by digest so a rebuild gets the same system; to move it, look up
# the current digest (`docker buildx imagetools inspect python:3.11-slim`) and replace it here.
# Python packages come from uv.lock, with the uv version scripts/bootstrap.py pins. They are
# compiled to bytecode at build time (UV_COMPILE_BYTECODE): the bot runs as a user who cannot
# write __pycache__, so without it every start compiles discord.py, aiohttp, numpy and the bot
# from source, about 1.5 s of CPU.
FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BLUEBOOK_DB=/app/data/bluebook.db \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_NO_CACHE=1 \
    UV_COMPILE_BYTECODE=1 \
    PATH=/app/.venv/bin:$PATH

RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 bluebook \
    && pip install --no-cache-dir uv==0.13.9

WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-install-project
COPY bot ./bot
COPY cogs ./cogs
COPY content ./content
COPY localdiscord ./localdiscord
RUN uv sync --locked --no-editable \
    && mkdir -p /app/data \
    && chown -R bluebook:bluebook /app/data
# The /search hot path compiled with mypyc (bot/compiled.py); the compiler is removed
# again. If compiling fails, the script says so and the bot runs interpreted.
COPY scripts/compile.py ./scripts/
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && python scripts/compile.py \
    && apt-get purge -y gcc libc6-dev && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/*

USER bluebook
VOLUME ["/app/data"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bluebook-bot", "health"]

STOPSIGNAL SIGTERM
CMD ["bluebook-bot", "run"]
