from django.urls import path

from continuum.coordination import views

app_name = "coordination"

# Mounted at /cases/ beside the cases app's own pages (continuum/urls.py). A page with several
# operations is read by GET; each operation is a POST to its own URL.
urlpatterns = [
    path("tasks/", views.task_queue_view, name="tasks"),
    path("<uuid:case_id>/team/", views.team_view, name="team"),
    path("<uuid:case_id>/team/add/", views.team_add_view, name="team_add"),
    path("<uuid:case_id>/team/remove/", views.team_remove_view, name="team_remove"),
    path("<uuid:case_id>/tasks/<int:task_id>/done/", views.task_done_view, name="task_done"),
    path("<uuid:case_id>/tasks/new/", views.task_new_view, name="task_new"),
    path("<uuid:case_id>/tasks/<int:task_id>/", views.task_edit_view, name="task_edit"),
    path("<uuid:case_id>/follow-ups/", views.follow_ups_view, name="follow_ups"),
    path("<uuid:case_id>/plan/", views.plan_view, name="plan"),
    path("<uuid:case_id>/plan/new/", views.plan_create_view, name="plan_create"),
    path("<uuid:case_id>/plan/goals/", views.goal_add_view, name="goal_add"),
    path("<uuid:case_id>/plan/goals/close/", views.goal_close_view, name="goal_close"),
    path("<uuid:case_id>/plan/<uuid:plan_id>/", views.plan_edit_view, name="plan_edit"),
]
