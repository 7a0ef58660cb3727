from django.urls import path

from continuum.intake import api, triage, views

app_name = "intake"

urlpatterns = [
    path("tip/", views.tip, name="tip"),
    path("tip/thanks/", views.tip_thanks, name="tip_thanks"),
    path("tip/follow-up/", views.tip_follow_up, name="tip_follow_up"),
    path("recognize/", views.recognize, name="recognize"),
    # Staff: the triage queue (continuum/intake/triage.py).
    path("intake/", triage.queue_view, name="queue"),
    path("intake/referrals/new/", triage.referral_new_view, name="referral_new"),
    path("intake/tips/<uuid:tip_id>/referral/", triage.tip_take_up_view, name="tip_take_up"),
    path(
        "intake/referrals/<uuid:referral_id>/case/", triage.referral_open_case_view, name="referral_open_case"
    ),
    # Agency systems: the referral API, with per-agency tokens (continuum/intake/api.py).
    path("api/v1/referrals/", api.referrals_create, name="api_referrals"),
]
