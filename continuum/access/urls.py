from django.urls import path

from continuum.access import auth_views

app_name = "access"

urlpatterns = [
    path("verify/", auth_views.verify, name="verify"),
    path("enroll/", auth_views.enroll, name="enroll"),
    path("enroll/start/", auth_views.enroll_start, name="enroll_start"),
]
