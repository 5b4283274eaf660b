"""The 2.x reader: ``publish`` / ``subscribe`` channels, ``x-ack`` acks."""

from __future__ import annotations

from typing import Any

from .reader import _Message, _Reader, _text


class _V2Reader(_Reader):
    major = 2

    def read_events(self) -> None:
        channels = self.obj(self.doc.get("channels"), "channels", default={})
        for key, raw in channels.items():
            where = f"channels.{key}"
            channel, _ = self.deref(raw, where)
            namespace = str(key) if str(key).startswith("/") else "/" + str(key)
            self.add_namespace(namespace, channel, where)
            for kind, direction in (
                ("publish", "client-to-server"),
                ("subscribe", "server-to-client"),
            ):
                if channel.get(kind) is None:
                    continue
                op, _ = self.deref(channel[kind], f"{where}.{kind}")
                for message in self.v2_messages(op.get("message"), f"{where}.{kind}.message"):
                    replies = self.v2_acks(message, f"{where}.{kind}.{message.key}")
                    self.add_event(
                        namespace,
                        direction,  # type: ignore[arg-type]
                        message,
                        op,
                        replies,
                        f"{where}.{kind}.{message.key}",
                        operation_id=_text(op.get("operationId")),
                    )

    def v2_messages(self, value: Any, where: str) -> list[_Message]:
        if value is None:
            return []
        body, key = self.deref(value, where)
        if isinstance(body.get("oneOf"), list) and "payload" not in body:
            out: list[_Message] = []
            for i, item in enumerate(body["oneOf"]):
                out.extend(self.v2_messages(item, f"{where}.oneOf[{i}]"))
            return out
        name = body.get("messageId") or key or body.get("name") or "message"
        return [_Message(str(name), body)]

    def v2_acks(self, message: _Message, where: str) -> list[_Message]:
        raw = message.body.get("x-ack")
        if raw is None:
            return []
        body, _ = self.deref(raw, f"{where}.x-ack")
        if isinstance(body.get("oneOf"), list) and "payload" not in body:
            out: list[_Message] = []
            for i, item in enumerate(body["oneOf"]):
                one, _ = self.deref(item, f"{where}.x-ack.oneOf[{i}]")
                out.append(_Message(f"x-ack[{i}]", self.v2_ack_body(one)))
            return out
        return [_Message("x-ack", self.v2_ack_body(body))]

    @staticmethod
    def v2_ack_body(body: dict[str, Any]) -> dict[str, Any]:
        if "args" in body and "payload" not in body:
            # asynction's shape: {"args": schema}
            return {**{k: v for k, v in body.items() if k != "args"}, "payload": body["args"]}
        return body
