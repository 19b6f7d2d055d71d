from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Отчёты и анализ")

    def ready(self):
        # The plan page of associations links to the plan's PDF and XLSX through
        # associations.links, which reports fills in here.
        from associations import links
        from reports import links as report_links

        links.plan_links.register(report_links.plan_links)
        links.appointment_links.register(report_links.appointment_links)
        links.attestation_schedule_links.register(report_links.attestation_schedule_links)
        # The association's page: its annual analysis (reports.analysis).
        links.association_links.register(report_links.association_links)
