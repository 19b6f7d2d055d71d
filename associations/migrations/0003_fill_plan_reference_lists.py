"""Fill the plan's reference lists: the four functions of the regulation (разд. 3), the usual
sections of an МО plan, and the forms of methodical work. Editable afterwards in the admin."""

from django.db import migrations

FUNCTIONS = [
    "Аналитико-прогностическая функция",
    "Организационно-координирующая функция",
    "Информационная функция",
    "Методическая функция",
]
SECTIONS = [
    "Заседания МО",
    "Открытые мероприятия",
    "Консультации",
    "Работа с документацией",
    "Конкурсы профессионального мастерства",
    "Аттестация и повышение квалификации",
    "Самообразование и обобщение опыта",
    "Мониторинг уровня воспитанности",
    "Взаимопосещение мероприятий",
    "Контроль и анализ",
]
FORMS = [
    "заседание",
    "инструктивно-методическое совещание",
    "семинар",
    "семинар-практикум",
    "круглый стол",
    "мастер-класс",
    "открытое мероприятие",
    "открытый классный час",
    "консультация",
    "деловая игра",
    "конференция",
    "творческий отчёт",
    "педагогические чтения",
    "педагогическая мастерская",
    "взаимопосещение",
    "самообразование",
    "анкетирование",
    "мониторинг",
    "работа с документацией",
]


def fill(apps, schema_editor):
    PlanSection = apps.get_model("associations", "PlanSection")
    WorkForm = apps.get_model("associations", "WorkForm")
    for order, name in enumerate(FUNCTIONS, start=1):
        PlanSection.objects.get_or_create(name=name, defaults={"group": "function", "order": order})
    for order, name in enumerate(SECTIONS, start=10):
        PlanSection.objects.get_or_create(name=name, defaults={"group": "section", "order": order})
    for order, name in enumerate(FORMS, start=1):
        WorkForm.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("associations", "0002_annual_plan")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
