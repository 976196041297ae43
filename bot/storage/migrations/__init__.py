"""Numbered SQL migrations, NNNN_name.sql, applied in order by bot.storage.db.migrate.

To change the schema, add the next number; never edit a file that has shipped. The runner
wraps each file in one BEGIN IMMEDIATE … COMMIT and sets user_version inside it, so files
hold plain DDL/DML without BEGIN or COMMIT of their own.
"""
