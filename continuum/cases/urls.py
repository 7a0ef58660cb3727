from django.urls import path

from continuum.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("tasks/", views.task_queue_view, name="tasks"),
    path("mdt/", views.mdt_list_view, name="mdt"),
    path("mdt/<uuid:meeting_id>/", views.mdt_meeting_view, name="mdt_meeting"),
    path("<uuid:case_id>/", views.case_detail_view, name="detail"),
    path("<uuid:case_id>/audit/", views.case_audit_view, name="audit"),
    path("<uuid:case_id>/edit/", views.case_edit_view, name="edit"),
    path("<uuid:case_id>/close/", views.case_close_view, name="close"),
    path("<uuid:case_id>/account/", views.account_view, name="account"),
    path("<uuid:case_id>/team/", views.team_view, name="team"),
    path("<uuid:case_id>/consents/", views.consents_view, name="consents"),
    path(
        "<uuid:case_id>/consents/<int:consent_id>/revoke/", views.consent_revoke_view, name="consent_revoke"
    ),
    path("<uuid:case_id>/break-glass/", views.break_glass_view, name="break_glass"),
    path("<uuid:case_id>/court-orders/", views.court_orders_view, name="court_orders"),
    path("<uuid:case_id>/tasks/<int:task_id>/done/", views.task_done_view, name="task_done"),
    path("<uuid:case_id>/tasks/new/", views.task_new_view, name="task_new"),
    path("<uuid:case_id>/tasks/<int:task_id>/", views.task_edit_view, name="task_edit"),
    path("<uuid:case_id>/follow-ups/", views.follow_ups_view, name="follow_ups"),
    path("<uuid:case_id>/plan/", views.plan_view, name="plan"),
    path("<uuid:case_id>/plan/<uuid:plan_id>/", views.plan_edit_view, name="plan_edit"),
]
