"""Views of professional development courses: the list of course records, their editor (create,
change with the version check, delete) and the overview of «курсы за последние 3 года».

Thin: scope through `access` (kind «course»; an outsider gets 404, a reader who may not write
403), read through `selectors`, validate a form, call `services`, say what happened, redirect.
A rule of the model refused by the service is shown next to its field; a version conflict keeps
what the user typed and shows the record as saved now.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations import access
from associations.records.courses import selectors, services
from associations.records.courses.forms import CourseForm
from associations.records.models import Course
from rmo_portal.editors import VersionConflict, errors_fit, posted_version, refusal

COURSES_PER_PAGE = 50
PEOPLE_PER_PAGE = 50
NOT_SAVED = _("Курсы не сохранены: исправьте ошибки, отмеченные красным.")


def _reach_or_404(user) -> None:
    """A user whom the rules let see no course at all (a login with no person) gets 404."""
    if not access.reaches(user, "course"):
        raise Http404


def _back(request) -> str:
    """Where to go after a save: the page the editor was opened from (?next=, this site's only),
    else the list."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("associations:courses")


@login_required
def course_list(request):
    _reach_or_404(request.user)
    filterset, courses = selectors.course_list(user=request.user, params=request.GET)
    page = Paginator(courses, COURSES_PER_PAGE).get_page(request.GET.get("page"))
    for course in page:
        course.can_write = access.allows(request.user, "course", course, "write")
    return render(request, "associations/records/courses/course_list.html", {
        "filter": filterset, "page": page,
        "can_create": access.record_people(request.user, action="write").exists(),
    })


def _save_error(form, error: ValidationError) -> None:
    """The service's refusal next to its fields when it names them, else above the form."""
    form.add_error(None, error if errors_fit(error, form) else ValidationError(refusal(error)))


@login_required
def course_create(request):
    _reach_or_404(request.user)
    if request.method == "POST":
        form = CourseForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                course = services.course_create(**form.values(), user=request.user)
            except ValidationError as error:
                _save_error(form, error)
            else:
                messages.success(
                    request, _("Курсы «%(title)s» (%(person)s) записаны.")
                    % {"title": course.title, "person": course.person.short_name},
                )
                return redirect(_back(request))
        messages.error(request, NOT_SAVED)
    else:
        initial = {}
        mine = access.roles_for(request.user).person
        if mine is not None:
            initial["person"] = mine.pk
        if request.GET.get("person", "").isdecimal():  # from the overview's «внести курсы»
            initial["person"] = int(request.GET["person"])
        form = CourseForm(initial=initial, user=request.user)
        if not form.fields["person"].queryset.exists():
            raise PermissionDenied
    return render(request, "associations/records/courses/course_form.html", {
        "form": form, "course": None, "next": _back(request),
    })


@login_required
def course_edit(request, pk: int):
    course = selectors.course_for_edit(user=request.user, pk=pk)
    conflict = None
    version = course.version
    if request.method == "POST":
        form = CourseForm(request.POST, instance=course, user=request.user)
        version = posted_version(request.POST, course.version)
        if form.is_valid():
            try:
                # A copy: a refused save leaves `course` as it was read (the page's heading).
                services.course_update(
                    course=copy.copy(course), values=form.values(), version=version, user=request.user
                )
            except VersionConflict as error:
                # What the user typed stays in the form; the record as saved now is shown above
                # it, and the page takes its version: a second «Сохранить» overwrites on purpose.
                conflict, version = error, error.obj.version
                messages.error(request, str(error))
            except ValidationError as error:
                _save_error(form, error)
                messages.error(request, NOT_SAVED)
            else:
                messages.success(request, _("Курсы «%(title)s» сохранены.") % {"title": course.title})
                return redirect(_back(request))
        else:
            messages.error(request, NOT_SAVED)
    else:
        form = CourseForm(instance=course, user=request.user)
    current = conflict.obj if conflict is not None else None
    if current is not None:
        current = Course.objects.select_related("person", "provider").get(pk=current.pk)
    return render(request, "associations/records/courses/course_form.html", {
        "form": form, "course": course, "conflict": conflict, "current": current, "version": version,
        "next": _back(request),
    })


@login_required
@require_POST
def course_delete(request, pk: int):
    course = selectors.course_for_edit(user=request.user, pk=pk)
    title, person = course.title, course.person.short_name
    try:
        services.course_delete(course=course, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("Курсы «%(title)s» (%(person)s) удалены.") % {"title": title, "person": person})
    return redirect(_back(request))


@login_required
def courses_overview(request):
    """«Курсы за последние 3 года» of every school person the user sees, the overdue marked."""
    _reach_or_404(request.user)
    today = timezone.localdate()
    filterset, people = selectors.courses_overview(user=request.user, params=request.GET, today=today)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    people_on_page = list(page.object_list)
    statuses = selectors.course_status(people=people_on_page, today=today)
    writable = set(
        access.record_people(request.user, action="write").filter(pk__in=[p.pk for p in people_on_page])
        .values_list("pk", flat=True)
    ) if people_on_page else set()
    rows = [(person, statuses[person.pk], person.pk in writable) for person in people_on_page]
    since, _until = selectors.course_window(today)
    return render(request, "associations/records/courses/courses_overview.html", {
        "filter": filterset, "page": page, "rows": rows, "today": today, "since": since,
        "overdue_count": selectors.overdue_count(people, today=today),
    })
