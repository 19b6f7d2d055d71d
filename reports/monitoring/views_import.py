"""PLACEHOLDER: a helper replaces this module (monitoring brief)."""

from django.http import Http404



def monitoring_template(request, pk=None):
    raise Http404


def monitoring_import(request, pk=None):
    raise Http404
