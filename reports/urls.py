"""URLs of the reports app — being written (helper)."""
app_name = "reports"
urlpatterns = []
