from django.urls import path

from continuum.coordination import views

app_name = "coordination"

# Mounted at /cases/ beside the cases app's own pages (continuum/urls.py).
urlpatterns = [
    path("tasks/", views.task_queue_view, name="tasks"),
    path("<uuid:case_id>/team/", views.team_view, name="team"),
    path("<uuid:case_id>/tasks/<int:task_id>/done/", views.task_done_view, name="task_done"),
    path("<uuid:case_id>/tasks/new/", views.task_new_view, name="task_new"),
    path("<uuid:case_id>/tasks/<int:task_id>/", views.task_edit_view, name="task_edit"),
    path("<uuid:case_id>/follow-ups/", views.follow_ups_view, name="follow_ups"),
    path("<uuid:case_id>/plan/", views.plan_view, name="plan"),
    path("<uuid:case_id>/plan/<uuid:plan_id>/", views.plan_edit_view, name="plan_edit"),
]
