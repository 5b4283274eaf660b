"""The 3.x reader: channels with addresses, operations with replies."""

from __future__ import annotations

from typing import Any

from ..guard import ContractError
from .model import Direction
from .reader import _Message, _Reader


class _V3Reader(_Reader):
    major = 3

    def read_events(self) -> None:
        channels = self.obj(self.doc.get("channels"), "channels", default={})
        by_id: dict[int, str] = {}
        for key, raw in channels.items():
            where = f"channels.{key}"
            channel, _ = self.deref(raw, where)
            address = channel.get("address")
            if isinstance(address, str) and address:
                namespace = address if address.startswith("/") else "/" + address
            else:
                namespace = "/" if key == "root" else "/" + str(key).lstrip("/")
            by_id[id(channel)] = namespace
            self.add_namespace(namespace, channel, where)
        operations = self.obj(self.doc.get("operations"), "operations", default={})
        for key, raw in operations.items():
            where = f"operations.{key}"
            op, _ = self.deref(raw, where)
            action = op.get("action")
            if action not in ("send", "receive"):
                raise ContractError(f"{where}.action must be 'send' or 'receive'")
            channel, _ = self.deref(op.get("channel"), f"{where}.channel")
            found = by_id.get(id(channel))
            if found is None:
                raise ContractError(f"{where}.channel is not one of the document's channels")
            messages = self.messages(op.get("messages"), channel, f"{where}.messages")
            replies: list[_Message] = []
            reply = op.get("reply")
            if reply is not None:
                reply, _ = self.deref(reply, f"{where}.reply")
                reply_channel = channel
                if reply.get("channel") is not None:
                    reply_channel, _ = self.deref(reply["channel"], f"{where}.reply.channel")
                replies = self.messages(reply.get("messages"), reply_channel, f"{where}.reply")
            direction: Direction = "client-to-server" if action == "receive" else "server-to-client"
            for message in messages:
                self.add_event(
                    found,
                    direction,
                    message,
                    op,
                    replies,
                    f"{where}.{message.key}",
                    own_operation=len(messages) == 1,
                    operation_id=str(key),
                )

    def messages(self, refs: Any, channel: dict[str, Any], where: str) -> list[_Message]:
        if refs is None:
            # 3.1: an operation without messages means every message of its channel
            own = self.obj(channel.get("messages"), f"{where} (channel messages)", default={})
            return [_Message(key, self.deref(m, f"{where}.{key}")[0]) for key, m in own.items()]
        if not isinstance(refs, list):
            raise ContractError(f"{where} must be a list")
        out = []
        for i, ref in enumerate(refs):
            body, key = self.deref(ref, f"{where}[{i}]")
            out.append(_Message(key or str(i), body))
        return out
