from django.urls import path

from continuum.access import audit_views as views

app_name = "audit"

urlpatterns = [
    path("flagged/", views.flagged_view, name="flagged"),
    path("review/<int:grant_id>/", views.review_view, name="review"),
]
