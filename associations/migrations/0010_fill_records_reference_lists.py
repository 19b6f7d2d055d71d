"""Fill the records' reference lists and the two documents each appointment acknowledges.

- contests: the usual ones (§6 of the domain notes), official organisers; editable in the admin;
- course providers: the usual kinds of organisation; editable in the admin;
- instructions: the job instruction of the РМО head (from the source document, without its
  acknowledgment line, which the sheet prints by the person's gender) and the regulation of a
  school МО (as received: its beginning is missing in the original), each as version 1.
"""

import datetime
from pathlib import Path

from django.db import migrations

TEXTS = Path(__file__).resolve().parent.parent / "records" / "instructions" / "texts"

CONTESTS = [
    ("Самый классный классный", "Отдел образования, региональный институт развития образования"),
    ("Воспитать человека", "Министерство просвещения РФ, Российский детско-юношеский центр"),
    ("Учитель года", "Министерство просвещения РФ"),
    ("Сердце отдаю детям", "Министерство просвещения РФ"),
    ("Лучшая методическая разработка классного часа", "Районный методический кабинет"),
]
PROVIDERS = [
    "Институт развития образования (региональный)",
    "Центр непрерывного повышения профессионального мастерства педагогических работников (ЦНППМ)",
    "Академия Минпросвещения России",
    "Районный методический кабинет",
]
INSTRUCTIONS = [
    ("Должностная инструкция руководителя районного методического объединения классных руководителей",
     "district", "head", "rmo_head_instruction.txt"),
    ("Положение о методическом объединении классных руководителей", "school", "", "school_mo_regulation.txt"),
]
EFFECTIVE_FROM = datetime.date(2023, 9, 1)


def fill(apps, schema_editor):
    Contest = apps.get_model("associations", "Contest")
    CourseProvider = apps.get_model("associations", "CourseProvider")
    Instruction = apps.get_model("associations", "Instruction")
    InstructionVersion = apps.get_model("associations", "InstructionVersion")
    for name, organiser in CONTESTS:
        Contest.objects.get_or_create(name=name, defaults={"organiser": organiser, "is_official": True})
    for name in PROVIDERS:
        CourseProvider.objects.get_or_create(name=name)
    for title, kind, role, file_name in INSTRUCTIONS:
        instruction, _ = Instruction.objects.get_or_create(
            title=title, defaults={"association_kind": kind, "role": role}
        )
        if not instruction.versions.exists():
            InstructionVersion.objects.create(
                instruction=instruction, number=1, effective_from=EFFECTIVE_FROM,
                text=(TEXTS / file_name).read_text(encoding="utf-8"),
            )


class Migration(migrations.Migration):
    dependencies = [("associations", "0009_records")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
