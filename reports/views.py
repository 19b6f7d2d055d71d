"""Thin views: read through `reports.selectors` (scoped to the user, 404 to outsiders), lay out
through `reports.exporters`, answer with `reports.rendering`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reports import exporters, selectors
from reports.rendering import file_response


@login_required
@require_GET
def plan_pdf(request, pk: int):
    document = selectors.plan_document(user=request.user, pk=pk)
    return file_response(exporters.plan_pdf(document), as_attachment=False)


@login_required
@require_GET
def plan_xlsx(request, pk: int):
    document = selectors.plan_document(user=request.user, pk=pk)
    return file_response(exporters.plan_xlsx(document))


@login_required
@require_GET
def plan_docx(request, pk: int):
    """The plan in Word, for the readers of its PDF (the same loader)."""
    document = selectors.plan_document(user=request.user, pk=pk)
    return file_response(exporters.plan_docx(document))


@login_required
@require_GET
def district_plans(request):
    table = selectors.district_plan_table(user=request.user, params=request.GET)
    return render(
        request,
        "reports/district_plans.html",
        {"table": table, "query": request.GET.urlencode()},
    )


@login_required
@require_GET
def district_plans_xlsx(request):
    table = selectors.district_plan_table(user=request.user, params=request.GET)
    return file_response(exporters.district_plans_xlsx(table))
