# The satisfaction rating moves from the reports app into the ticket domain, keeping every row:
# the model takes over the existing table in the migration state, then the table is renamed.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0006_article_delivery_state_moved_to_the_outbox"),
        ("reports", "0002_satisfaction_rating_moved_to_tickets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SatisfactionRating",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "score",
                            models.PositiveSmallIntegerField(
                                help_text="1 (poor) to 5 (excellent)",
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(5),
                                ],
                                verbose_name="rating",
                            ),
                        ),
                        ("comment", models.TextField(blank=True, verbose_name="comment")),
                        ("rated_by_email", models.CharField(blank=True, max_length=254, verbose_name="rated by")),
                        ("created", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created")),
                        (
                            "ticket",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="rating",
                                to="tickets.ticket",
                                verbose_name="ticket",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "satisfaction rating",
                        "verbose_name_plural": "satisfaction ratings",
                        "ordering": ["-created"],
                        "db_table": "reports_satisfactionrating",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("score__gte", 1), ("score__lte", 5)), name="rating_score_1_to_5"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="satisfactionrating", table=None),
    ]
