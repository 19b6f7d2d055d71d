"""PLACEHOLDER: a helper replaces this module (monitoring brief)."""

from django.http import Http404



def monitoring_home(request, pk=None):
    raise Http404


def monitoring_class(request, pk=None):
    raise Http404


def monitoring_school(request, pk=None):
    raise Http404


def monitoring_district(request, pk=None):
    raise Http404
