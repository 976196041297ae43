"""The interaction path: everything between Discord delivering an interaction (or a chat
message) and our answer having been sent.

- path.py: discord.py's hooks and the two decorators every kind passes through
  (admission, in-flight accounting, turns, the exchange, failures);
- exchange.py: the `Exchange` record, timed from arrival to the end of the send (no discord);
- turns.py: fair turns on the event loop under load (no discord);
- sending.py: `respond`, the one function that answers an interaction, and `message_kwargs`,
  where a Reply becomes what discord.py sends;
- callback.py: an interaction's first answer, posted to Discord by us;
- limits.py: `Limit`, a time limit with one timer per event loop;
- options.py: option values Discord would never send;
- errors.py: which failures a user is told about, and how.
"""
