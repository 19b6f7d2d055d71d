"""URLs of meetings, attendance and protocols (views in meetings/views.py)."""

urlpatterns = []
