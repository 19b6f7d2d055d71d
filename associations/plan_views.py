"""Views of the annual plan. PLACEHOLDER while the plan UI is being written: every view 404s."""

from django.http import Http404


def _todo(request, pk):
    raise Http404


plan_create = plan_detail = plan_edit = plan_submit = plan_return = plan_approve = plan_item_mark = _todo
