"""URLs of schedules, the month calendar and the iCalendar feeds."""

from django.urls import path

from meetings.schedule import views as schedule_views

urlpatterns = [
    path("", schedule_views.schedule_list, name="schedule"),
    path("calendar/", schedule_views.month_calendar, name="calendar"),
    path("calendar/subscribe/", schedule_views.feed_settings, name="feed_settings"),
    # The token is secrets.token_urlsafe: letters, digits, «-» and «_», which is what <slug> takes.
    path("feed/<slug:token>.ics", schedule_views.feed, name="feed"),
    path("feed/<slug:token>/associations/<int:pk>.ics", schedule_views.association_feed, name="association_feed"),
    path("<int:pk>/ics/", schedule_views.meeting_ics, name="meeting_ics"),
]
