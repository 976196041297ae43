"""Routes that create or change messages: channels, interaction callbacks and webhooks.

Channel sends are permission-checked; interaction responses and webhooks are not (as on
Discord). Every visible change is echoed over the gateway as Discord does.
"""

from __future__ import annotations

import time
from typing import Any

from localdiscord import permissions as perm
from localdiscord.gateway import GatewayHub
from localdiscord.interactions import (
    ALLOWED_CALLBACKS,
    APPLICATION_COMMAND,
    InteractionRecord,
    InteractionStore,
    interaction_metadata,
)
from localdiscord.model import Channel, Json
from localdiscord.recording import UploadedFile
from localdiscord.rest import MISSING_PERMISSIONS, ApiError, ApiRequest, Result, not_found
from localdiscord.world import (
    MESSAGE_FLAG_EPHEMERAL,
    MESSAGE_FLAG_LOADING,
    StoredFile,
    World,
)


def _stored(files: list[UploadedFile]) -> list[StoredFile]:
    return [StoredFile(f.filename, f.data, f.content_type) for f in files]


def _ephemeral(message: Json) -> bool:
    return bool(message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL)


class MessageRoutes:
    def __init__(self, world: World, hub: GatewayHub, store: InteractionStore) -> None:
        self.world, self.hub, self.store = world, hub, store

    # -- gateway echoes ------------------------------------------------------------------------

    def publish(self, event: str, channel: Channel, message: Json) -> None:
        """Echo a message event to the bot, if it can see the channel."""
        if channel.guild_id is not None and not self.hub.bot_can_view(channel.id):
            return
        if event == "MESSAGE_DELETE":
            data: Json = {"id": message["id"], "channel_id": str(channel.id)}
            if channel.guild_id is not None:
                data["guild_id"] = str(channel.guild_id)
        else:
            data = dict(message)  # a copy: later edits must not leak into queued events
        self.hub.dispatch(event, data, guild_id=channel.guild_id)

    def add_to_channel(self, channel: Channel, message: Json) -> None:
        self.world.store_message(channel, message)
        self.publish("MESSAGE_CREATE", channel, message)

    # -- channels ------------------------------------------------------------------------------

    def channel(self, req: ApiRequest) -> Channel:
        channel = self.world.channels.get(req.int_param("channel_id"))
        if channel is None:
            raise not_found(10003, "Channel")
        return channel

    def _require(self, channel: Channel, needed: int) -> None:
        have = self.world.bot_permissions(channel)
        if not have & perm.VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        if have & needed != needed:
            raise ApiError(*MISSING_PERMISSIONS)

    def _message(self, channel: Channel, req: ApiRequest) -> Json:
        message = channel.messages.get(req.int_param("message_id"))
        if message is None:
            raise not_found(10008, "Message")
        return message

    async def get_channel(self, req: ApiRequest) -> Result:
        channel = self.channel(req)
        self._require(channel, perm.VIEW_CHANNEL)
        return 200, channel.payload()

    async def create_message(self, req: ApiRequest) -> Result:
        channel = self.channel(req)
        body: dict[str, Any] = req.body or {}
        needed = perm.VIEW_CHANNEL | perm.SEND_MESSAGES
        if req.files:
            needed |= perm.ATTACH_FILES
        if body.get("embeds"):
            needed |= perm.EMBED_LINKS
        self._require(channel, needed)
        earlier = self._nonce_match(body)
        if earlier is not None:
            return 200, earlier
        extra: Json = {}
        reference = body.get("message_reference")
        if reference:
            referenced = channel.messages.get(int(reference.get("message_id", 0)))
            if referenced is None and reference.get("fail_if_not_exists", True):
                # As Discord: a reply to a deleted message is refused unless asked not to.
                raise ApiError(
                    400,
                    50035,
                    "Invalid Form Body: message_reference: Unknown message"
                    " (MESSAGE_REFERENCE_UNKNOWN_MESSAGE)",
                )
            extra = {
                "type": 19,
                "message_reference": dict(reference, channel_id=str(channel.id)),
                "referenced_message": referenced,
            }
        message = self.world.new_message(
            channel, self.world.bot_user, body, files=_stored(req.files), extra=extra
        )
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
            if body.get("enforce_nonce"):
                self._remember_nonce(str(body["nonce"]), int(message["id"]), channel.id)
        self.add_to_channel(channel, message)
        return 200, message

    def _remember_nonce(self, nonce: str, message_id: int, channel_id: int) -> None:
        nonces, now = self.world.nonces, time.monotonic()
        if len(nonces) >= 10_000:  # discord.py sends a random nonce with every message
            window = self.world.scenario.nonce_window_s
            for key in [k for k, (_, _, at) in nonces.items() if now - at > window]:
                del nonces[key]
        nonces[(self.world.bot_user.id, nonce)] = (message_id, channel_id, now)

    def _nonce_match(self, body: Json) -> Json | None:
        """The message an earlier create with this nonce made, if Discord would return it."""
        if body.get("nonce") is None or not body.get("enforce_nonce"):
            return None
        found = self.world.nonces.get((self.world.bot_user.id, str(body["nonce"])))
        if found is None:
            return None
        message_id, channel_id, at = found
        if time.monotonic() - at > self.world.scenario.nonce_window_s:
            return None
        channel = self.world.channels.get(channel_id)
        return channel.messages.get(message_id) if channel is not None else None

    async def list_messages(self, req: ApiRequest) -> Result:
        channel = self.channel(req)
        self._require(channel, perm.VIEW_CHANNEL)
        if not self.world.bot_permissions(channel) & perm.READ_MESSAGE_HISTORY:
            return 200, []
        limit = max(1, min(100, int(req.query.get("limit", 50))))
        before = int(req.query["before"]) if "before" in req.query else None
        if "after" in req.query:
            # The `limit` messages right after `after`, answered newest first as Discord does.
            after = int(req.query["after"])
            newer = sorted(i for i in channel.messages if i > after)[:limit]
            return 200, [channel.messages[i] for i in reversed(newer)]
        found = []
        for message_id in reversed(channel.messages):
            if before is not None and message_id >= before:
                continue
            found.append(channel.messages[message_id])
            if len(found) >= limit:
                break
        return 200, found

    async def get_message(self, req: ApiRequest) -> Result:
        channel = self.channel(req)
        self._require(channel, perm.VIEW_CHANNEL | perm.READ_MESSAGE_HISTORY)
        return 200, self._message(channel, req)

    async def edit_message(self, req: ApiRequest) -> Result:
        channel = self.channel(req)
        message = self._message(channel, req)
        if message["author"]["id"] != str(self.world.bot_user.id):
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self.world.edit_message(channel, message, req.body or {}, _stored(req.files))
        self.publish("MESSAGE_UPDATE", channel, message)
        return 200, message

    async def delete_message(self, req: ApiRequest) -> Result:
        channel = self.channel(req)
        message = self._message(channel, req)
        if message["author"]["id"] != str(self.world.bot_user.id):
            self._require(channel, perm.MANAGE_MESSAGES)
        del channel.messages[int(message["id"])]
        self.publish("MESSAGE_DELETE", channel, message)
        return 204, None

    async def add_own_reaction(self, req: ApiRequest) -> Result:
        channel = self.channel(req)
        self._require(channel, perm.READ_MESSAGE_HISTORY | perm.ADD_REACTIONS)
        message = self._message(channel, req)
        emoji = req.params["emoji"]
        reactions = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["emoji"]["name"] == emoji:
                if not reaction["me"]:
                    reaction["count"] += 1
                    reaction["me"] = True
                break
        else:
            reactions.append(
                {
                    "emoji": {"id": None, "name": emoji},
                    "count": 1,
                    "me": True,
                    "me_burst": False,
                    "burst_colors": [],
                    "count_details": {"burst": 0, "normal": 1},
                }
            )
        event: Json = {
            "user_id": str(self.world.bot_user.id),
            "channel_id": str(channel.id),
            "message_id": message["id"],
            "emoji": {"id": None, "name": emoji},
            "type": 0,
            "burst": False,
            "message_author_id": message["author"]["id"],
        }
        if channel.guild_id is not None:
            event["guild_id"] = str(channel.guild_id)
        self.hub.dispatch("MESSAGE_REACTION_ADD", event, guild_id=channel.guild_id)
        return 204, None

    async def remove_own_reaction(self, req: ApiRequest) -> Result:
        message = self._message(self.channel(req), req)
        for reaction in message.get("reactions", []):
            if reaction["emoji"]["name"] == req.params["emoji"] and reaction["me"]:
                reaction["me"] = False
                reaction["count"] -= 1
        message["reactions"] = [r for r in message.get("reactions", []) if r["count"] > 0]
        return 204, None

    async def open_dm(self, req: ApiRequest) -> Result:
        user = self.world.users.get(int((req.body or {}).get("recipient_id", 0)))
        if user is None:
            raise not_found(10013, "User")
        return 200, self.world.dm_channel(user).payload()

    # -- interactions ----------------------------------------------------------------------------

    def _bot_message(
        self, record: InteractionRecord, data: Json, req: ApiRequest, *, flags: int = 0
    ) -> Json:
        kind = 20 if record.kind == APPLICATION_COMMAND else 0
        extra = {
            "webhook_id": str(self.world.application_id),
            "type": kind,
            "application_id": str(self.world.application_id),
            "interaction_metadata": interaction_metadata(record),
        }
        message = self.world.new_message(
            record.channel, self.world.bot_user, data, files=_stored(req.files), extra=extra
        )
        message["flags"] = int(data.get("flags") or 0) | flags
        self.store.own_message(record, message)
        if not _ephemeral(message):
            self.add_to_channel(record.channel, message)
        return message

    async def callback(self, req: ApiRequest) -> Result:
        record = self.store.by_id.get(req.int_param("interaction_id"))
        if record is None or record.token != req.params["token"]:
            raise not_found(10062, "interaction")
        if record.callback is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - record.created > self.world.scenario.first_answer_deadline_s:
            raise not_found(10062, "interaction")  # too late: Discord has forgotten it
        body: Json = req.body or {}
        kind = body.get("type")
        if kind not in ALLOWED_CALLBACKS[record.kind]:
            raise ApiError(
                400,
                50035,
                f"Invalid Form Body: type {kind} is not valid for interaction type {record.kind}",
            )
        data: Json = body.get("data") or {}
        resource: Json = {"type": kind}
        record.callback = body
        if kind == 4:
            record.original = self._bot_message(record, data, req)
        elif kind == 5:
            loading = {"flags": (int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL)}
            record.original = self._bot_message(record, loading, req, flags=MESSAGE_FLAG_LOADING)
        elif kind in (6, 7) and record.target_message is not None:
            record.original = record.target_message
            if kind == 7:
                self.world.edit_message(record.channel, record.original, data, _stored(req.files))
                self._publish_edit(record.original, record)
        if kind in (4, 5, 7) and record.original is not None:
            resource["message"] = record.original
        record.touch()
        # As Discord: the callback's resource only when asked for (`with_response`), else 204.
        if req.query.get("with_response", "").lower() not in ("1", "true"):
            return 204, None
        original = record.original
        return 200, {
            "interaction": {
                "id": str(record.id),
                "type": record.kind,
                "response_message_id": original["id"] if original and kind != 6 else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(original and _ephemeral(original)),
            },
            "resource": resource,
        }

    def _publish_edit(self, message: Json, record: InteractionRecord) -> None:
        if not _ephemeral(message):
            self.publish("MESSAGE_UPDATE", record.channel, message)

    def _webhook(self, req: ApiRequest) -> InteractionRecord:
        record = self.store.by_token.get(req.params["token"])
        if (
            record is None
            or req.int_param("application_id") != self.world.application_id
            or record.callback is None
        ):
            raise not_found(10015, "Webhook")
        return record

    def _webhook_message(self, record: InteractionRecord, req: ApiRequest) -> Json:
        wanted = req.params.get("message_id", "@original")
        if wanted == "@original":
            if record.original is None or record.original_deleted:
                raise not_found(10008, "Message")
            return record.original
        found = self.store.find_message(req.int_param("message_id"))
        if found is None or found[0] is not record:
            raise not_found(10008, "Message")
        return found[1]

    async def followup(self, req: ApiRequest) -> Result:
        record = self._webhook(req)
        body: Json = req.body or {}
        original = record.original
        # After a "thinking" deferral Discord turns the first follow-up into the response.
        if original is not None and original.get("flags", 0) & MESSAGE_FLAG_LOADING:
            original["flags"] &= ~MESSAGE_FLAG_LOADING
            self.world.edit_message(record.channel, original, body, _stored(req.files))
            self._publish_edit(original, record)
            record.touch()
            return 200, original
        message = self._bot_message(record, body, req)
        record.followups.append(message)
        record.touch()
        return 200, message

    async def get_webhook_message(self, req: ApiRequest) -> Result:
        return 200, self._webhook_message(self._webhook(req), req)

    async def edit_webhook_message(self, req: ApiRequest) -> Result:
        record = self._webhook(req)
        message = self._webhook_message(record, req)
        message["flags"] = message.get("flags", 0) & ~MESSAGE_FLAG_LOADING
        self.world.edit_message(record.channel, message, req.body or {}, _stored(req.files))
        self._publish_edit(message, record)
        record.touch()
        return 200, message

    async def delete_webhook_message(self, req: ApiRequest) -> Result:
        record = self._webhook(req)
        message = self._webhook_message(record, req)
        if message is record.original:
            record.original_deleted = True
        else:
            record.followups.remove(message)
        if record.channel.messages.pop(int(message["id"]), None) is not None:
            self.publish("MESSAGE_DELETE", record.channel, message)
        record.touch()
        return 204, None
