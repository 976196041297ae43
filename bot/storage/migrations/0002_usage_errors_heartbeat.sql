-- Retention purges and /stats windows filter on ts; without this they scan the table.
CREATE INDEX usage_events_ts ON usage_events (ts);

-- outcome alone said "error" without saying which; the class name makes outages diagnosable.
ALTER TABLE usage_events ADD COLUMN error_class TEXT;

-- Events the usage log could not write, per UTC day, so /stats can report them.
CREATE TABLE usage_drops (
    day     TEXT PRIMARY KEY,
    dropped INTEGER NOT NULL CHECK (dropped >= 0)
);

-- One row, touched by the running bot; `bluebook-bot health` reads it.
CREATE TABLE heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    ts REAL NOT NULL
);
