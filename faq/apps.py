from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class FaqConfig(AppConfig):
    name = "faq"
    verbose_name = _("Knowledge base")

    def ready(self):
        from faq import search  # the models are loaded only now
        from faq.models import Article

        post_save.connect(search.on_article_saved, sender=Article, dispatch_uid="faq-search-index")
        post_delete.connect(search.on_article_deleted, sender=Article, dispatch_uid="faq-search-remove")
