from django.urls import path

from continuum.justice import views

app_name = "justice"

# Each page is read by GET; each operation on it is a POST to its own URL.
urlpatterns = [
    path("cases/<uuid:case_id>/", views.case_justice_view, name="case"),
    path("cases/<uuid:case_id>/suspects/", views.suspect_add_view, name="suspect_add"),
    path(
        "cases/<uuid:case_id>/investigation-status/",
        views.investigation_status_view,
        name="investigation_status",
    ),
    path("cases/<uuid:case_id>/arrests/", views.arrest_record_view, name="arrest_record"),
    path("cases/<uuid:case_id>/prosecution/", views.prosecution_view, name="prosecution"),
    path("cases/<uuid:case_id>/prosecution/open/", views.prosecution_open_view, name="prosecution_open"),
    path(
        "cases/<uuid:case_id>/prosecution/dispositions/",
        views.disposition_record_view,
        name="disposition_record",
    ),
]
