from django.urls import path

from continuum.screening import views

app_name = "screening"

urlpatterns = [
    path("<uuid:case_id>/", views.screen_view, name="screen"),
]
