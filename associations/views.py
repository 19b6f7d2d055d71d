"""Thin views: scope through `access`, read through `selectors`, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from associations import access, selectors

PEOPLE_PER_PAGE = 50


@login_required
def association_list(request):
    year = selectors.academic_year_from_params(request.GET)
    filterset, associations = selectors.association_list(user=request.user, params=request.GET, year=year)
    return render(
        request,
        "associations/association_list.html",
        {"filter": filterset, "associations": associations, "year": year},
    )


@login_required
def association_detail(request, pk: int):
    year = selectors.academic_year_from_params(request.GET)
    detail = selectors.association_detail(user=request.user, pk=pk, year=year)
    return render(request, "associations/association_detail.html", {"detail": detail, "year": year})


@login_required
def person_list(request):
    if not access.can_see_directory(request.user):
        raise Http404
    filterset, people = selectors.person_list(user=request.user, params=request.GET)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "associations/person_list.html", {"filter": filterset, "page": page})


@login_required
def person_detail(request, pk: int):
    person = selectors.person_detail(user=request.user, pk=pk)
    return render(request, "associations/person_detail.html", {"person": person})
