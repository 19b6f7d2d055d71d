"""PLACEHOLDER: a helper replaces this module (monitoring brief)."""

from django.http import Http404



def monitoring_start(request, pk=None):
    raise Http404


def monitoring_edit(request, pk=None):
    raise Http404
