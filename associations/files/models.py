"""A file uploaded to the portal: what the storage keeps under a generated name, and what the
portal shows of it (the original name, cleaned; its type, decided by content; its size and
SHA-256). Every upload of the portal becomes one of these through `associations.files.services`;
the objects a file belongs to (a material of the data bank, a signed protocol's scan, a plan item,
a decision, an appointment order) point to it, and their own access rule decides who downloads it.

The model keeps the `associations` app label (imported by `associations.models`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ORIGINAL_NAME_MAX_LENGTH = 255


class StoredFile(models.Model):
    class Type(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        XLSX = "xlsx", "XLSX"
        PPTX = "pptx", "PPTX"
        ODT = "odt", "ODT"
        ODS = "ods", "ODS"
        ODP = "odp", "ODP"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    storage_name = models.CharField(_("имя в хранилище"), max_length=200, unique=True, editable=False)
    original_name = models.CharField(_("имя файла"), max_length=ORIGINAL_NAME_MAX_LENGTH)
    type = models.CharField(_("тип"), max_length=8, choices=Type.choices, editable=False)
    size = models.PositiveBigIntegerField(_("размер, байт"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("кто загрузил"),
    )
    uploaded_at = models.DateTimeField(_("загружен"), auto_now_add=True)

    class Meta:
        verbose_name = _("файл")
        verbose_name_plural = _("файлы")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.type in (self.Type.JPEG, self.Type.PNG)
