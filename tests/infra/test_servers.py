"""The throwaway servers of `make test` start, answer and leave nothing behind."""

import socket

import psycopg
import pytest

from tests.infra.servers import PostgresServer, RedisServer

pytestmark = pytest.mark.slow


def port_is_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_postgres_server_accepts_the_url_it_gives_and_is_gone_after_stop():
    with PostgresServer() as pg:
        with psycopg.connect(pg.url.replace("postgres://", "postgresql://")) as conn:
            assert conn.execute("SELECT current_database(), current_setting('fsync')").fetchone() == (
                "helpdesk",
                "off",
            )
            assert conn.execute("SELECT current_setting('listen_addresses')").fetchone() == ("127.0.0.1",)
            # a UTF-8 character class, so that search folds Cyrillic and accented letters
            assert conn.execute("SELECT lower('ПРИНТЕР Tiskárna')").fetchone() == ("принтер tiskárna",)
        process, tempdir, port = pg.process, pg.tempdir, pg.port

    assert process.poll() is not None
    assert not tempdir.exists()
    assert port_is_closed(port)


def test_redis_server_answers_keeps_nothing_on_disk_and_is_gone_after_stop():
    import redis

    with RedisServer() as server:
        client = redis.Redis.from_url(server.url)
        client.set("ticket", "42")
        assert client.get("ticket") == b"42"
        assert client.config_get("save") == {"save": ""}
        assert client.config_get("bind") == {"bind": "127.0.0.1"}
        client.close()
        process, tempdir, port = server.process, server.tempdir, server.port

    assert process.poll() is not None
    assert not tempdir.exists()
    assert port_is_closed(port)
