-- Fact of the day. Timestamps are unix seconds (UTC) as in 0001; local_date is the
-- server's local 'YYYY-MM-DD' and local_time its 'HH:MM'. SQL for these tables lives only
-- in bot/fotd/store.py.

-- enabled is the server's own switch (/fotd off); paused_reason is set by the bot after
-- repeated permanent failures. Posts are made only when enabled = 1 and paused_reason IS NULL.
-- active_since: post instants before it are not owed (no instant post on set-up).
CREATE TABLE fotd_config (
    guild_id       INTEGER PRIMARY KEY,
    channel_id     INTEGER NOT NULL,
    local_time     TEXT    NOT NULL,
    timezone       TEXT    NOT NULL,
    enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    paused_reason  TEXT,
    failure_streak INTEGER NOT NULL DEFAULT 0 CHECK (failure_streak >= 0),
    active_since   REAL    NOT NULL,
    created        REAL    NOT NULL,
    updated        REAL    NOT NULL
);

-- The current cycle's explicit order (JSON list of fact ids); order[:position] are used.
CREATE TABLE fotd_rotation (
    guild_id   INTEGER PRIMARY KEY,
    cycle      INTEGER NOT NULL CHECK (cycle >= 1),
    order_json TEXT    NOT NULL,
    position   INTEGER NOT NULL CHECK (position >= 0)
);

-- The exactly-once ledger: the unique key is what stops a second loop or a restarted
-- process from posting the same day twice. 'claimed' rows carry a lease (claim_token,
-- lease_until); 'missed' records a day that could not be posted, so none vanishes silently.
CREATE TABLE fotd_posts (
    guild_id      INTEGER NOT NULL,
    local_date    TEXT    NOT NULL,
    fact_id       TEXT,
    state         TEXT    NOT NULL CHECK (state IN ('claimed', 'sent', 'failed', 'missed')),
    message_id    INTEGER,
    channel_id    INTEGER,
    claim_token   TEXT,
    lease_until   REAL,
    claimed_at    REAL    NOT NULL,
    sent_at       REAL,
    attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error    TEXT,
    last_error_at REAL,
    next_retry_at REAL,
    UNIQUE (guild_id, local_date)
);

-- Each tick looks for stale claims and due retries; keep that off a full scan.
CREATE INDEX fotd_posts_open ON fotd_posts (guild_id, state) WHERE state IN ('claimed', 'failed');
