"""PLACEHOLDER: a helper replaces this module (monitoring brief)."""

from django.http import Http404



def method_detail(request, pk=None):
    raise Http404
