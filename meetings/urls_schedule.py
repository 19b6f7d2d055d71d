"""URLs of schedules, the month calendar, iCalendar feeds and decisions under control."""

urlpatterns = []
