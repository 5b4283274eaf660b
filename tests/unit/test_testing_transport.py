"""The in-process transport of the test clients (``sio_spec.testing.transport``),
on an un-started ``socketio.Server``: packets on the wire, steps, deferral, the hub."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import socketio
from engineio import packet as eio_packet

from sio_spec.testing.transport import Hub, Link, Step, connection_packet, in_step, wire


class Receiver:
    """The client end of a link: keeps what reaches it."""

    def __init__(self) -> None:
        self.packets: list[eio_packet.Packet] = []

    def receive(self, pkt: eio_packet.Packet) -> None:
        self.packets.append(pkt)

    def kinds(self) -> list[Any]:
        return [(p.packet_type, p.data) for p in self.packets]


@pytest.fixture
def server() -> socketio.Server:
    return socketio.Server(async_mode="threading")


def link_to(server: socketio.Server, raise_errors: bool = True) -> tuple[Link, Receiver]:
    receiver = Receiver()
    hub = Hub.of(server)
    link = Link(hub, receiver, raise_errors)
    hub.add(link)
    return link, receiver


def message(data: Any) -> eio_packet.Packet:
    return eio_packet.Packet(eio_packet.MESSAGE, data=data)


def test_a_packet_crosses_as_it_is_encoded() -> None:
    text = wire(message('2["move",{"x":1}]'))
    assert (text.packet_type, text.data) == (eio_packet.MESSAGE, '2["move",{"x":1}]')
    binary = wire(message(b"\x00\x01"))
    assert binary.binary and binary.data == b"\x00\x01"
    sent = message({"not": "text"})  # engine.io encodes a dict as JSON text
    assert wire(sent).data == {"not": "text"}


def test_connection_packets_are_told_apart(server: socketio.Server) -> None:
    assert connection_packet(server, eio_packet.Packet(eio_packet.CLOSE))
    for data in ('0{"sid":"a"}', "1", '4{"message":"no"}'):
        assert connection_packet(server, message(data))
    for data in ('2["move"]', "3[1]", b"\x00"):
        assert not connection_packet(server, message(data))
    assert not connection_packet(server, eio_packet.Packet(eio_packet.NOOP))


def test_a_step_hands_an_exception_to_its_link_once(server: socketio.Server) -> None:
    link, _ = link_to(server)
    error = RuntimeError("handler failed")
    assert not in_step()
    with Step(link) as step:
        assert in_step()
        raise error
    assert not in_step() and not step.active
    assert link.pop_error() is error
    assert link.pop_error() is None


def test_a_step_lets_a_keyboard_interrupt_through(server: socketio.Server) -> None:
    link, _ = link_to(server)
    with pytest.raises(KeyboardInterrupt), Step(link):
        raise KeyboardInterrupt
    assert link.pop_error() is None and not in_step()


def test_without_raise_errors_the_error_is_logged(
    server: socketio.Server, caplog: pytest.LogCaptureFixture
) -> None:
    link, _ = link_to(server, raise_errors=False)
    with Step(link):
        raise RuntimeError("handler failed")
    assert link.pop_error() is None
    assert "message handler error" in caplog.text


def test_messages_arrive_at_once_and_connection_changes_after_the_step(
    server: socketio.Server,
) -> None:
    link, receiver = link_to(server)
    with Step(link) as step:
        link.send_sync(message('2["before"]'))
        link.send_sync(message("1"))  # a disconnect: the server finishes its step first
        link.send_sync(message('2["after"]'))  # queued behind it, order kept
        assert receiver.kinds() == [(eio_packet.MESSAGE, '2["before"]')]
    step.flush()
    assert [data for _, data in receiver.kinds()] == ['2["before"]', "1", '2["after"]']
    link.send_sync(message('2["later"]'))
    assert receiver.kinds()[-1] == (eio_packet.MESSAGE, '2["later"]')


def test_the_hub_hooks_background_tasks_while_links_are_open(server: socketio.Server) -> None:
    original = server.start_background_task
    link, _ = link_to(server)
    hub = Hub.current(server)
    assert hub is not None and Hub.of(server) is hub
    assert server.start_background_task is not original
    hub.remove(link)
    assert Hub.current(server) is None
    assert "start_background_task" not in server.__dict__


def test_an_unrelated_background_task_runs_unchanged(server: socketio.Server) -> None:
    link, _ = link_to(server)
    hub = Hub.of(server)
    ran: list[int] = []
    thread = server.start_background_task(ran.append, 1)
    thread.join()
    assert ran == [1] and hub.running == 0
    hub.settle(1)  # nothing in flight: returns
    hub.remove(link)


def test_a_handler_run_in_the_background_is_waited_for_and_reports_its_error(
    server: socketio.Server,
) -> None:
    from sio_spec._socketio_internals import HANDLE_EVENT_INTERNAL

    link, receiver = link_to(server)
    hub = Hub.of(server)
    release = threading.Event()

    def handler(srv: Any, sid: str, eio_sid: str) -> None:
        release.wait(5)
        link.send_sync(message("1"))  # deferred to the end of the background step
        raise RuntimeError("failed in the background")

    handler.__name__ = HANDLE_EVENT_INTERNAL  # as python-socketio names its task
    server.start_background_task(handler, server, "sid", link.eio_sid)
    assert hub.running == 1
    release.set()
    hub.settle(5)
    assert hub.running == 0
    assert isinstance(link.pop_error(), RuntimeError)
    assert receiver.kinds() == [(eio_packet.MESSAGE, "1")]
