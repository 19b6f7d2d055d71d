"""Middleware of the portal as a whole."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from associations.models import AcademicYear


class MissingAcademicYearMiddleware:
    """Reading the current academic year never creates it: the years come from a migration, the
    admin or `manage.py academic_years` (cron). Should the current one still be missing (a server
    whose cron never ran, on 1 September), a page says so and who can fix it, instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AcademicYear.DoesNotExist):
            return None
        start = AcademicYear.start_year_for(timezone.localdate())
        return render(request, "no_academic_year.html", {"year": f"{start}/{start + 1}"}, status=503)
