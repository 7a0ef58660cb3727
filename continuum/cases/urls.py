from django.urls import path

from continuum.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("<uuid:case_id>/", views.case_detail_view, name="detail"),
]
