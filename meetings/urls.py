from meetings import urls_records, urls_schedule

app_name = "meetings"

urlpatterns = [*urls_records.urlpatterns, *urls_schedule.urlpatterns]
