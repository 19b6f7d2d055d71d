"""The data bank's reference lists, as russian-documents.md §7 and §8 give them (editable in the
admin afterwards: a school adds its own forms and modules)."""

from django.db import migrations

FORMS = [
    "Классный час",
    "«Разговоры о важном»",
    "Час общения",
    "Внеклассное мероприятие",
    "Беседа",
    "Викторина, квиз, интеллектуальная игра",
    "Конкурс",
    "Праздник",
    "Коллективное творческое дело (КТД)",
    "Акция",
    "Экскурсия",
    "Поход",
    "Проект",
    "Диспут, дебаты",
    "Встреча с интересными людьми",
    "Родительское собрание",
    "Линейка",
]

DIRECTIONS = [
    "Гражданское воспитание",
    "Патриотическое воспитание",
    "Духовно-нравственное воспитание",
    "Эстетическое воспитание",
    "Физическое воспитание, формирование культуры здоровья и эмоционального благополучия",
    "Трудовое воспитание",
    "Экологическое воспитание",
    "Ценности научного познания",
]

MODULES = [
    "Урочная деятельность",
    "Внеурочная деятельность",
    "Классное руководство",
    "Основные школьные дела",
    "Внешкольные мероприятия",
    "Организация предметно-пространственной среды",
    "Взаимодействие с родителями (законными представителями)",
    "Самоуправление",
    "Профилактика и безопасность",
    "Социальное партнёрство",
    "Профориентация",
    "Детские общественные объединения",
    "Школьные медиа",
    "Школьный музей",
    "Добровольческая деятельность",
    "Школьный театр",
    "Школьный спортивный клуб",
]


def fill(apps, schema_editor):
    for model_name, names in (("EventForm", FORMS), ("UpbringingDirection", DIRECTIONS), ("UpbringingModule", MODULES)):
        model = apps.get_model("meetings", model_name)
        for order, name in enumerate(names, start=1):
            model.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("meetings", "0006_data_bank")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
