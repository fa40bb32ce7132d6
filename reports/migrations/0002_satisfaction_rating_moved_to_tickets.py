# The satisfaction rating is now tickets.SatisfactionRating; its table and rows stay (tickets 0007 renames it).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("tickets", "0006_article_delivery_state_moved_to_the_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SatisfactionRating")],
            database_operations=[],
        ),
    ]
