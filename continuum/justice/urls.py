from django.urls import path

from continuum.justice import views

app_name = "justice"

urlpatterns = [
    path("cases/<uuid:case_id>/", views.case_justice_view, name="case"),
    path("cases/<uuid:case_id>/prosecution/", views.prosecution_view, name="prosecution"),
]
