-- The pack a fact-of-the-day post was claimed in (its key, e.g. '2025-3'), so a day resumed
-- after a crash or a failed send is posted from that pack, whatever the server reads by then.
-- NULL: claimed before this migration; such a day is posted from the server's pack.
ALTER TABLE fotd_posts ADD COLUMN pack TEXT;
