"""`manage.py load_demo`: the demo district, its schools, people, associations, plans, logins,
their meetings, protocols and decisions, the records of methodical work and the data bank of
educational events with its files, and the monitoring of pupils' upbringing level in two schools
(`rmo_portal.demo`).

Idempotent: a second run finds every row by its natural key and changes nothing, except that
the demo logins' passwords are reset to «demo12345» on every run.

`--address` is the address runserver is given (`make run` passes RMO_ADDR): the sign-in address
printed at the end is the one the server listens on; a server listening on every interface
(0.0.0.0, ::) is reached at the machine's own address, else at 127.0.0.1 (`make run` adds that
host to ALLOWED_HOSTS, read back from the last line printed).
"""

from __future__ import annotations

import re
import socket

from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands.runserver import naiveip_re

from rmo_portal import demo

DEFAULT_ADDRESS = "127.0.0.1:8000"  # runserver's own default
# What a server on every interface is given («0» is runserver's shorthand for 0.0.0.0).
EVERY_INTERFACE = {"0", "0.0.0.0", "::", "[::]"}  # noqa: S104


def reachable_host() -> str:
    """The machine's own address on its network, as others reach it (the interface a packet
    would leave by: a UDP socket's connect sends nothing); 127.0.0.1 when there is none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            host = probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    return host if host and not host.startswith("127.") and host != "0.0.0.0" else "127.0.0.1"  # noqa: S104


def sign_in_url(address: str) -> str:
    """The portal's address for runserver's `addrport` argument: «8000», «127.0.0.1:8000»,
    «0.0.0.0:8000», «[::1]:8000» or «localhost:8000», as runserver reads it."""
    match = re.match(naiveip_re, address.strip())
    if match is None:
        raise CommandError(f"«{address}» — не адрес runserver: укажите порт или адрес:порт, например 127.0.0.1:8000.")
    host, port = match["addr"] or "127.0.0.1", match["port"]
    if host in EVERY_INTERFACE:
        host = reachable_host()
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = (
        "Загружает демонстрационный район «Заречный муниципальный район»: 6 школ, их МО и РМО, "
        "около 60 классных руководителей, назначения по приказам, планы работы, заседания текущего "
        "учебного года с протоколами и решениями на контроле, записи методической работы (конкурсы, "
        "аттестация, курсы, посещения, консультации, ходатайства, ознакомление с инструкцией), "
        "банк данных воспитательных мероприятий (60 материалов со сценариями, разработками и фото), "
        "мониторинг уровня воспитанности двух школ (все классы, сентябрь и май), "
        "демо-логины. Повторный запуск ничего "
        "не дублирует; пароли демо-логинов каждый раз сбрасываются на «demo12345»."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Ничего не выводить.")
        parser.add_argument(
            "--address", default=DEFAULT_ADDRESS,
            help=f"Адрес, на котором будет запущен runserver (порт или адрес:порт; по умолчанию {DEFAULT_ADDRESS}): "
                 "его и напечатать для входа. make run передаёт RMO_ADDR.",
        )

    def handle(self, *args, quiet: bool = False, address: str = DEFAULT_ADDRESS, **options):
        url = sign_in_url(address)  # a malformed address stops the command before it loads anything
        result = demo.load_demo()
        if quiet:
            return
        write = self.stdout.write
        state = "загружены" if result.written else "уже загружены, изменений нет"
        write(self.style.SUCCESS(f"Демо-данные {state}: {result.district.name}, {result.year} учебный год."))
        write(
            f"Школ: {result.schools}, педагогов: {result.people}, "
            f"классных руководителей: {result.class_teachers}, объединений: {result.associations}."
        )
        for summary in result.summaries:
            write(summary)
        write("")
        rows = [("Логин", "Роль", "Кто"), *((r.username, r.role, r.who) for r in result.logins)]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for n, (login, role, who) in enumerate(rows):
            write(f"{login.ljust(widths[0])}  {role.ljust(widths[1])}  {who}")
            if n == 0:
                write(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * widths[2]}")
        write("")
        write(f"Пароль у всех демо-логинов: {demo.DEMO_PASSWORD} (сбрасывается при каждом запуске).")
        write(f"Откройте {url}")
