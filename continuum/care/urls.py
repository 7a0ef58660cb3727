from django.urls import path

from continuum.care import views

app_name = "care"

# Each page is read by GET; each operation on it is a POST to its own URL.
urlpatterns = [
    path("referrals/", views.provider_referrals_view, name="provider_referrals"),
    path("referrals/<uuid:referral_id>/", views.provider_referral_view, name="provider_referral"),
    path(
        "referrals/<uuid:referral_id>/answer/",
        views.service_referral_answer_view,
        name="service_referral_answer",
    ),
    path(
        "referrals/<uuid:referral_id>/start/",
        views.service_referral_start_view,
        name="service_referral_start",
    ),
    path(
        "referrals/<uuid:referral_id>/close/",
        views.service_referral_close_view,
        name="service_referral_close",
    ),
    path("cases/<uuid:case_id>/services/", views.case_services_view, name="case_services"),
    path(
        "cases/<uuid:case_id>/services/referrals/",
        views.service_referral_send_view,
        name="service_referral_send",
    ),
    path(
        "cases/<uuid:case_id>/services/unmet-needs/", views.unmet_need_record_view, name="unmet_need_record"
    ),
    path("directory/", views.directory_view, name="directory"),
    path("directory/new/", views.directory_new_view, name="directory_new"),
    path("directory/<int:service_id>/edit/", views.directory_edit_view, name="directory_edit"),
]
