"""The port helpers the process tests and `closed_url` stand on."""

from __future__ import annotations

import errno
import socket

import pytest

from tests.develop_process import free_ports, port_open, refused_port

pytestmark = pytest.mark.usefixtures("socket_enabled")


def test_refused_port_refuses_and_is_never_handed_out() -> None:
    """While held, connecting is refused and no server asking for any port gets it.

    A port picked and released at once was once given to the fake panel in CI, so the
    "nothing listens" test found a panel there.
    """
    with refused_port() as port:
        with socket.socket() as client:
            assert client.connect_ex(("127.0.0.1", port)) == errno.ECONNREFUSED
        servers = [socket.create_server(("127.0.0.1", 0)) for _ in range(200)]
        try:
            assert port not in {server.getsockname()[1] for server in servers}
            with pytest.raises(OSError, match="in use"):
                socket.create_server(("127.0.0.1", port))
        finally:
            for server in servers:
                server.close()
    with socket.create_server(("127.0.0.1", port)):
        assert port_open(port)  # given back at the end of the block


def test_free_ports_are_distinct_and_free() -> None:
    """Picked together, the ports differ; each can then be listened on."""
    ports = free_ports(5)
    assert len(set(ports)) == 5
    for port in ports:
        assert not port_open(port)
        with socket.create_server(("127.0.0.1", port)):
            assert port_open(port)
