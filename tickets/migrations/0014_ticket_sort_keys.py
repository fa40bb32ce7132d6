"""The lists' sort keys on the ticket row (tickets/services/sort_keys.py), filled for the existing tickets.

The backfill is one UPDATE of every ticket (correlated subqueries, valid on PostgreSQL and SQLite):
one pass over the table, a few minutes at a million tickets on the 2-core bench machine. The
indexes are built after it.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_company_contract_sla"),
        ("tickets", "0013_saved_search_sharing_and_page"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="customer_sort",
            field=models.CharField(blank=True, editable=False, max_length=150, null=True),
        ),
        migrations.AddField(
            model_name="ticket",
            name="owner_sort",
            field=models.CharField(blank=True, editable=False, max_length=150, null=True),
        ),
        migrations.AddField(
            model_name="ticket",
            name="priority_level",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(
            "UPDATE tickets_ticket SET "
            "customer_sort = (SELECT username FROM accounts_user WHERE accounts_user.id = tickets_ticket.customer_id), "
            "owner_sort = (SELECT username FROM accounts_user WHERE accounts_user.id = tickets_ticket.owner_id), "
            "priority_level = "
            "(SELECT level FROM tickets_priority WHERE tickets_priority.id = tickets_ticket.priority_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["customer_sort", "id"], name="ticket_customer_sort"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["owner_sort", "id"], name="ticket_owner_sort"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["priority_level", "id"], name="ticket_priority_level"),
        ),
    ]
