"""ui/serve.py names Streamlit's listening socket TCP, so asyncio turns Nagle's algorithm off
on every connection it accepts (answers then leave at once, not after the client's ~40 ms
delayed ACK). A socket bound on 127.0.0.1, no Streamlit server started."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.web.server.starlette import starlette_server

from ui import serve


def test_connections_accepted_by_the_server_send_without_delay(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    serve._no_delay_on_connections()
    listening = starlette_server._bind_socket("127.0.0.1", 0, 8)
    assert listening.proto == socket.IPPROTO_TCP and not listening.getblocking()
    port = listening.getsockname()[1]
    accepted: list[int] = []

    async def talk() -> None:
        async def answer(reader, writer) -> None:
            accepted.append(writer.get_extra_info("socket").getsockopt(
                socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.write(b"ok")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(answer, sock=listening)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await reader.read() == b"ok"
        writer.close()
        server.close()
        await server.wait_closed()

    with ThreadPoolExecutor(1) as thread:  # a loop of its own: a browser test's may be running here
        thread.submit(asyncio.run, talk()).result(timeout=30)
    assert accepted == [1]
