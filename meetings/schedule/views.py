"""The schedule, the month calendar, the iCalendar feeds and the control of decisions.

Thin views: reads come from `meetings.schedule`, writes from `meetings.services`. The feeds take
no login: the secret token in their URL names the user, and an unknown or replaced token is a
404 like any other page a visitor may not see.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from associations import access
from meetings.models import CalendarToken, Meeting
from meetings.schedule import calendar_feed
from meetings.schedule import selectors as schedule
from meetings.schedule import services as schedule_services

MEETINGS_PER_PAGE = 50
FEED_CACHE_SECONDS = 15 * 60


@login_required
def schedule_list(request):
    past = request.GET.get("past") == "1"
    filterset, meetings = schedule.schedule_list(user=request.user, params=request.GET, past=past)
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "meetings/schedule/schedule.html", {"filter": filterset, "page": page, "past": past})


@login_required
def month_calendar(request):
    """The month grid, or with ?view=week&date=YYYY-MM-DD the week of that day (Monday to
    Sunday); the filters apply to both. A malformed view is the month, a malformed date the
    current week."""
    if request.GET.get("view") == "week":
        monday = schedule.week_from_params(request.GET)
        filterset, week = schedule.week_calendar(user=request.user, params=request.GET, monday=monday)
        return render(request, "meetings/schedule/calendar.html", {"filter": filterset, "week": week})
    first = schedule.month_from_params(request.GET)
    filterset, month = schedule.month_calendar(user=request.user, params=request.GET, first=first)
    return render(
        request, "meetings/schedule/calendar.html",
        {"filter": filterset, "month": month, "week_param": schedule.month_week_date(first).isoformat()},
    )


# --- iCalendar ----------------------------------------------------------------------------------


def _feed_owner(token: str):
    row = CalendarToken.objects.select_related("user").filter(token=token).first()
    if row is None or not row.user.is_active:
        raise Http404
    return row.user


def _meeting_url(request):
    def url_for(meeting: Meeting) -> str | None:
        try:
            return request.build_absolute_uri(reverse("meetings:meeting", args=[meeting.pk]))
        except NoReverseMatch:
            return None

    return url_for


def _uid_domain(request) -> str:
    """The site's host name, without the port: an event's UID is meeting-<pk>@<host>."""
    return split_domain_port(request.get_host())[0] or "rmo-portal"


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # The URL is a secret: keep the feed out of shared caches and search engines.
    response["Cache-Control"] = f"private, max-age={FEED_CACHE_SECONDS}"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def feed(request, token: str):
    user = _feed_owner(token)
    content = calendar_feed.meetings_calendar(
        schedule.feed_meetings(user=user),
        name=_("Портал РМО: расписание"),
        uid_domain=_uid_domain(request),
        url_for=_meeting_url(request),
    )
    return _ics_response(content, "rmo.ics")


@require_safe
def association_feed(request, token: str, pk: int):
    user = _feed_owner(token)
    association = access.association_for_user(user, pk)
    content = calendar_feed.meetings_calendar(
        schedule.feed_meetings(user=user, association=association),
        name=_("Портал РМО: %(name)s") % {"name": association.name},
        uid_domain=_uid_domain(request),
        url_for=_meeting_url(request),
    )
    return _ics_response(content, f"rmo-{association.pk}.ics")


@login_required
@require_safe
def meeting_ics(request, pk: int):
    """One meeting as an .ics file, to whoever sees it (404 otherwise): the same event, UID and
    time zone as in the feeds, so that a calendar subscribed to a feed keeps one copy of it."""
    meeting = schedule.meeting_for_ics(user=request.user, pk=pk)
    content = calendar_feed.meetings_calendar(
        [meeting],
        name=calendar_feed.meeting_summary(meeting),
        uid_domain=_uid_domain(request),
        url_for=_meeting_url(request),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def feed_settings(request):
    """The user's feed links. A GET only reads: the first links are made by a POST («Получить
    ссылки»), the same one that replaces them later."""
    existing = CalendarToken.objects.filter(user=request.user).first()
    if request.method == "POST":
        schedule_services.calendar_token_regenerate(user=request.user)
        if existing is None:
            messages.success(request, _("Ссылки для подписки готовы."))
        else:
            messages.success(
                request,
                _("Ссылки заменены. Прежние больше не работают: обновите подписку в своём календаре."),
            )
        return redirect("meetings:feed_settings")
    if existing is None:
        return render(request, "meetings/schedule/feed_settings.html", {"feed_url": None, "rows": []})
    token = existing.token
    associations = (
        access.associations_visible_to(request.user)
        .select_related("school")
        .order_by("kind", "school__short_name", "name")
    )
    rows = [
        (a, request.build_absolute_uri(reverse("meetings:association_feed", args=[token, a.pk]))) for a in associations
    ]
    feed_url = request.build_absolute_uri(reverse("meetings:feed", args=[token]))
    return render(
        request,
        "meetings/schedule/feed_settings.html",
        {"feed_url": feed_url, "webcal_url": _webcal(feed_url), "rows": rows},
    )


def _webcal(url: str) -> str:
    """The same URL with the webcal scheme: calendar apps open it as a subscription."""
    return "webcal://" + url.split("://", 1)[1]
