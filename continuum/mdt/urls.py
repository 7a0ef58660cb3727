from django.urls import path

from continuum.mdt import views

app_name = "mdt"

# Mounted at /cases/mdt/ (continuum/urls.py).
urlpatterns = [
    path("", views.mdt_list_view, name="list"),
    path("<uuid:meeting_id>/", views.mdt_meeting_view, name="meeting"),
]
