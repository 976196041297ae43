-- One heartbeat row per bot process, keyed by the shards it runs, so `bluebook-bot health`
-- notices one dead process among several ('*': a process that runs every shard).
CREATE TABLE process_heartbeats (
    process     TEXT PRIMARY KEY,
    shard_count INTEGER,
    ts          REAL NOT NULL
);

-- The single shared row could not tell processes apart; its readers moved to the table above.
DROP TABLE heartbeat;
