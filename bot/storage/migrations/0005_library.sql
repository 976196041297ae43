-- The library of editions (issue 15). A pack is named by its short key '<edition>-<chapter>',
-- e.g. '2025-3'.

-- The pack an event quoted. NULL: logged before the library (the one shipped pack), or an
-- event that quoted nothing.
ALTER TABLE usage_events ADD COLUMN pack TEXT;

-- A server's edition (/settings edition), a year. No row: the newest edition in the library.
CREATE TABLE guild_editions (
    guild_id INTEGER PRIMARY KEY,
    edition  INTEGER NOT NULL CHECK (edition BETWEEN 1900 AND 2199),
    updated  REAL    NOT NULL
);

-- Fact-of-the-day rotation per pack: each server keeps one rotation per pack, so changing
-- the edition starts (or resumes) that edition's own cycle and no fact repeats before every
-- fact of it has been posted. Rows from before the library get pack '' (the default).
CREATE TABLE fotd_rotation_by_pack (
    guild_id   INTEGER NOT NULL,
    pack       TEXT    NOT NULL DEFAULT '',
    cycle      INTEGER NOT NULL CHECK (cycle >= 1),
    order_json TEXT    NOT NULL,
    position   INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (guild_id, pack)
);
INSERT INTO fotd_rotation_by_pack (guild_id, pack, cycle, order_json, position)
    SELECT guild_id, '', cycle, order_json, position FROM fotd_rotation;
DROP TABLE fotd_rotation;
ALTER TABLE fotd_rotation_by_pack RENAME TO fotd_rotation;
