"""A document of the МО's documentation (§6 of the regulation) that the portal does not make
itself but keeps as an uploaded file: the order opening the МО and appointing its head, the
regulation on the МО, an instructional document. The checklist (`reports.checklist.selectors`)
counts an item fulfilled by such a file or by what the portal holds (the plan, the protocols,
the analysis, …). The file goes through the file module (`associations.files`); who sees and
uploads is `associations.access` (the kind «checklist_document»).

The model keeps the `reports` app label (imported by `reports.models`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.files.models import StoredFile
from associations.models import AcademicYear, Association

TITLE_MAX_LENGTH = 300


class ChecklistItem(models.TextChoices):
    """The eight items of §6, in its order."""

    ORDER = "order", _("Приказ об открытии МО и назначении руководителя")
    REGULATION = "regulation", _("Положение о МО")
    PLAN = "plan", _("План работы на учебный год")
    PROTOCOLS = "protocols", _("Протоколы заседаний")
    ANALYSIS = "analysis", _("Анализ работы за год")
    MONITORING = "monitoring", _("Результаты мониторинга и контроля")
    INSTRUCTIONS = "instructions", _("Инструктивно-методические документы")
    BANK = "bank", _("Банк данных воспитательных мероприятий")


class ChecklistDocument(models.Model):
    """An uploaded file fulfilling one item of an association's checklist, for one academic year
    or (without a year) for every year until replaced — the order opening the МО, say."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="checklist_documents", verbose_name=_("объединение")
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("учебный год"), help_text=_("Пусто — документ действует для всех лет."),
    )
    item = models.CharField(_("пункт"), max_length=16, choices=ChecklistItem.choices)
    title = models.CharField(_("название документа"), max_length=TITLE_MAX_LENGTH, blank=True)
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("файл"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("кто загрузил"),
    )
    uploaded_at = models.DateTimeField(_("загружен"), default=timezone.now)

    class Meta:
        verbose_name = _("документ МО")
        verbose_name_plural = _("документы МО")
        ordering = ["association", "item", "-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["association", "item"])]

    def __str__(self) -> str:
        return self.title or self.file.original_name
