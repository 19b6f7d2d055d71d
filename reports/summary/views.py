"""The district summary's page and documents (`reports:district_summary`, `…_pdf`, `…_docx`, `…_xlsx`):
the district through `access` (the kind «district_summary»: anyone else gets 404), the figures
through `selectors.district_summary`, sorted as the query asks (`?sort=<column>&order=asc|desc`);
the documents keep the page's sort."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reports.rendering import file_response
from reports.summary import exporters, selectors


def _summary(request, pk: int, year: int) -> selectors.DistrictSummary:
    return selectors.district_summary(user=request.user, pk=pk, start_year=year, params=request.GET)


@login_required
@require_GET
def district_summary(request, pk: int, year: int):
    return render(request, "reports/summary/summary.html", {"summary": _summary(request, pk, year)})


@login_required
@require_GET
def district_summary_pdf(request, pk: int, year: int):
    return file_response(exporters.summary_pdf(_summary(request, pk, year)), as_attachment=False)


@login_required
@require_GET
def district_summary_xlsx(request, pk: int, year: int):
    return file_response(exporters.summary_xlsx(_summary(request, pk, year)))


@login_required
@require_GET
def district_summary_docx(request, pk: int, year: int):
    """The summary in Word, for the readers of its PDF (the same loader, the page's sort)."""
    return file_response(exporters.summary_docx(_summary(request, pk, year)))
