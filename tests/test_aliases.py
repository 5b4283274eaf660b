"""Field aliases: what the document lists is what travels, in both directions.

A model with ``alias=`` is read from its aliases (pydantic's default) and sent with
them (as FastAPI sends response models), which is what the document's schemas name.
"""

from __future__ import annotations

import asyncio
from typing import Any

import socketio
from pydantic import BaseModel, ConfigDict, Field
from support.servers import run_asgi, url

from sio_spec import SocketIOSpec


class Profile(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    user_id: int = Field(alias="userId")
    display_name: str = Field(alias="displayName", default="")


def test_aliases_are_read_sent_and_documented() -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    spec = SocketIOSpec(sio)
    spec.emits("profile", Profile)

    @sio.on("update")
    async def update(sid: str, profile: Profile) -> Profile:
        await sio.emit("profile", Profile(user_id=profile.user_id, display_name="x"), to=sid)
        return profile

    doc = spec.asyncapi()
    schemas = doc["components"]["schemas"]
    documented = {
        name: set(schema.get("properties", {}))
        for name, schema in schemas.items()
        if name.startswith("Profile")
    }
    assert documented and all(props == {"userId", "displayName"} for props in documented.values())

    async def main() -> tuple[Any, list[Any]]:
        client = socketio.AsyncClient()
        pushed: list[Any] = []
        client.on("profile", pushed.append)
        await client.connect(url(port), transports=["websocket"])
        try:
            ack = await client.call("update", {"userId": 3}, timeout=5)
            for _ in range(100):
                if pushed:
                    break
                await asyncio.sleep(0.02)
        finally:
            await client.disconnect()
        return ack, pushed

    with run_asgi(socketio.ASGIApp(sio)) as port:
        ack, pushed = asyncio.run(main())
    assert ack == {"userId": 3, "displayName": ""}
    assert pushed == [{"userId": 3, "displayName": "x"}]
