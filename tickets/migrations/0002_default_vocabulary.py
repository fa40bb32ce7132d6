from django.db import migrations

from tickets.defaults import seed


def forwards(apps, schema_editor):
    seed(apps.get_model("tickets", "State"), apps.get_model("tickets", "Priority"), apps.get_model("tickets", "TicketType"))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
