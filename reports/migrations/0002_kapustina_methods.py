"""Seeds the two versions of Н.П. Капустина's method (grades 1–4 and 5–11)."""

from django.db import migrations


def seed(apps, schema_editor):
    from reports.monitoring import kapustina

    names = ("Method", "MethodRater", "Quality", "Indicator", "ScaleValue", "LevelBand")
    kapustina.seed(**{name: apps.get_model("reports", name) for name in names})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
