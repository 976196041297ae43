# Bluebook Bot: slim image, non-root user, tzdata for fact-of-the-day time zones.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BLUEBOOK_DB=/app/data/bluebook.db

RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 bluebook

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY content ./content
RUN pip install --no-cache-dir . \
    && mkdir -p /app/data \
    && chown -R bluebook:bluebook /app/data

USER bluebook
VOLUME ["/app/data"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bluebook-bot", "health"]

STOPSIGNAL SIGTERM
CMD ["bluebook-bot", "run"]
