"""PLACEHOLDER: a helper replaces this module (monitoring brief)."""

from django.http import Http404



def class_sheet_pdf(request, pk=None):
    raise Http404


def class_sheet_xlsx(request, pk=None):
    raise Http404


def school_summary_pdf(request, pk=None):
    raise Http404


def school_summary_xlsx(request, pk=None):
    raise Http404
