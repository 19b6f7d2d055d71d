"""`manage.py load_demo`: the demo district, its schools, people, associations, plans, logins,
their meetings, protocols and decisions, the records of methodical work and the data bank of
educational events with its files, and the monitoring of pupils' upbringing level in two schools
(`rmo_portal.demo`).

Idempotent: a second run finds every row by its natural key and changes nothing, except that
the demo logins' passwords are reset to «demo12345» on every run.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from rmo_portal import demo


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

    def handle(self, *args, quiet: bool = False, **options):
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
        write(f"Откройте {demo.DEMO_URL}")
