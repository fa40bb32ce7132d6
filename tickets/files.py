"""Files on disk, stored once per content (sha256), and the attachments that point at them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def content_path(instance, filename):
    """Where a stored file lives: by its sha256, two directory levels deep."""
    digest = instance.sha256
    return f"blobs/{digest[:2]}/{digest[2:4]}/{digest}"


class StoredFile(models.Model):
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to=content_path, max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self):
        return self.sha256


class Attachment(models.Model):
    article = models.ForeignKey(
        "tickets.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="attachments"
    )
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=255, default="application/octet-stream")
    size = models.PositiveBigIntegerField(_("size"))
    is_inline = models.BooleanField(_("inline"), default=False)
    content_id = models.CharField(_("Content-ID"), max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename
