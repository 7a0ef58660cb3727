from django.urls import path

from continuum.care import views

app_name = "care"

urlpatterns = [
    path("referrals/", views.provider_referrals_view, name="provider_referrals"),
    path("referrals/<uuid:referral_id>/", views.provider_referral_view, name="provider_referral"),
    path("cases/<uuid:case_id>/services/", views.case_services_view, name="case_services"),
    path("directory/", views.directory_view, name="directory"),
    path("directory/new/", views.directory_new_view, name="directory_new"),
    path("directory/<int:service_id>/edit/", views.directory_edit_view, name="directory_edit"),
]
