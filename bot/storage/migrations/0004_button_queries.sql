-- Search queries too long for a button's custom id (100 characters), keyed by the token the
-- id carries instead, so buttons made before a restart keep working. `pack` is the content
-- pack the query was asked of ("" the default edition); the owner is kept only as the salted
-- user hash, like the usage log. Rows expire; the bot deletes expired rows as it goes.
CREATE TABLE button_queries (
    token      TEXT PRIMARY KEY,
    query      TEXT NOT NULL,
    pack       TEXT NOT NULL DEFAULT '',
    owner_hash TEXT,
    expires_at REAL NOT NULL
);
CREATE INDEX button_queries_expires_at ON button_queries (expires_at);
