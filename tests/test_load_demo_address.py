"""`load_demo` prints the sign-in address the server actually uses: `make run` passes RMO_ADDR
to it (`--address`), the same address runserver is started on; a server on every interface is
reached at the machine's own address (or 127.0.0.1), never at «0.0.0.0»."""

import re
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from rmo_portal.management.commands import load_demo as command
from tests.helpers import load_demo

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("8021", "http://127.0.0.1:8021/"),
        ("localhost:9000", "http://localhost:9000/"),
        ("192.168.1.20:8000", "http://192.168.1.20:8000/"),
        ("[::1]:8000", "http://[::1]:8000/"),
        (" 127.0.0.1:8000 ", "http://127.0.0.1:8000/"),
    ],
)
def test_the_url_is_the_address_runserver_is_given(address, url):
    assert command.sign_in_url(address) == url


@pytest.mark.parametrize("address", ["0.0.0.0:8000", "[::]:8000", "0:8000"])
def test_every_interface_is_reached_at_the_machines_address(monkeypatch, address):
    monkeypatch.setattr(command, "reachable_host", lambda: "10.0.0.7")
    assert command.sign_in_url(address) == "http://10.0.0.7:8000/"


def test_without_a_network_the_machine_is_127_0_0_1(monkeypatch):
    def no_route(self, *args):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(command.socket.socket, "connect", no_route)
    assert command.reachable_host() == "127.0.0.1"
    assert command.sign_in_url("0.0.0.0:8000") == "http://127.0.0.1:8000/"


@pytest.mark.parametrize("address", ["", "abc:", "127.0.0.1:port", "http://127.0.0.1:8000/"])
def test_a_malformed_address_is_refused_in_russian(address):
    with pytest.raises(CommandError, match="не адрес runserver"):
        command.sign_in_url(address)


def test_make_run_passes_its_address_to_load_demo_and_runserver():
    """The Makefile's `run` target gives load_demo the very address it starts runserver on."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r'load_demo --address "\$\(RMO_ADDR\)"', run)
    assert re.search(r"runserver \$\(RMO_ADDR\)", run)
    assert "http://$(RMO_ADDR)" not in run  # 0.0.0.0 is no address to open
    # runserver answers on the printed host: it is read back and allowed (a LAN address would be
    # refused by the debug default of ALLOWED_HOSTS, 127.0.0.1 and localhost).
    assert "demo.log" in run and 'DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost,$$host}"' in run


@pytest.mark.django_db
def test_a_malformed_address_stops_the_command_before_it_loads_anything():
    from associations.models import District

    with pytest.raises(CommandError):
        load_demo("--address", "nonsense:")
    assert not District.objects.exists()


@pytest.mark.usefixtures("demo_loaded_once")
class TestPrintedAddress:
    def test_by_default_the_runserver_default(self, demo_loaded_once):
        assert demo_loaded_once.rstrip().endswith("Откройте http://127.0.0.1:8000/")

    def test_the_given_address(self, db, monkeypatch):
        monkeypatch.setattr(command, "reachable_host", lambda: "192.168.0.15")
        output = load_demo("--address", "0.0.0.0:8123")
        assert output.rstrip().endswith("Откройте http://192.168.0.15:8123/")
        assert "0.0.0.0" not in output  # noqa: S104 — an address printed, not bound
        assert "Пароль у всех демо-логинов: demo12345" in output
