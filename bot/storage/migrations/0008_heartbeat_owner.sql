-- Which run of the bot wrote the row last (a random token per process), so a second process
-- running the same shards on this database is noticed and warned about: before this, two
-- such processes silently shared one row (bot/storage/heartbeat.py).
ALTER TABLE process_heartbeats ADD COLUMN owner TEXT;
