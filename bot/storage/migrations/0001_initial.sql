-- First schema. Never edit a migration that has shipped: add a new numbered file instead.

-- One row: the per-installation salt for hashing user ids.
CREATE TABLE installation (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    salt    BLOB NOT NULL,
    created REAL NOT NULL
);

-- ts is unix seconds (UTC). user_hash is a keyed hash, never the raw Discord id.
CREATE TABLE usage_events (
    id           INTEGER PRIMARY KEY,
    ts           REAL NOT NULL,
    guild_id     INTEGER,
    channel_id   INTEGER,
    user_hash    TEXT,
    kind         TEXT NOT NULL,
    command      TEXT,
    query        TEXT,
    top_ref      TEXT,
    result_count INTEGER,
    latency_ms   REAL,
    outcome      TEXT NOT NULL
);

-- NULL in a switch column means "not set here": inherit the next level up.
CREATE TABLE guild_settings (
    guild_id         INTEGER PRIMARY KEY,
    explicit_lookups INTEGER CHECK (explicit_lookups IN (0, 1)),
    passive_lookups  INTEGER CHECK (passive_lookups IN (0, 1))
);

CREATE TABLE channel_settings (
    channel_id       INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    explicit_lookups INTEGER CHECK (explicit_lookups IN (0, 1)),
    passive_lookups  INTEGER CHECK (passive_lookups IN (0, 1))
);

CREATE INDEX channel_settings_guild ON channel_settings (guild_id);
