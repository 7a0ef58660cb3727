from django.urls import path

from continuum.mdt import views

app_name = "mdt"

# Mounted at /cases/mdt/ (continuum/urls.py). The meeting page is read by GET; each change the
# chair makes to it is an operation of its own, by POST to its own URL.
urlpatterns = [
    path("", views.mdt_list_view, name="list"),
    path("<uuid:meeting_id>/", views.mdt_meeting_view, name="meeting"),
    path("<uuid:meeting_id>/agenda/", views.meeting_agenda_add_view, name="meeting_agenda_add"),
    path("<uuid:meeting_id>/invite/", views.meeting_invite_view, name="meeting_invite"),
    path("<uuid:meeting_id>/attendance/", views.meeting_attendance_view, name="meeting_attendance"),
    path("<uuid:meeting_id>/minutes/", views.meeting_minute_view, name="meeting_minute"),
    path("<uuid:meeting_id>/action-items/", views.meeting_action_item_view, name="meeting_action_item"),
    path("<uuid:meeting_id>/held/", views.meeting_hold_view, name="meeting_hold"),
    path("<uuid:meeting_id>/cancel/", views.meeting_cancel_view, name="meeting_cancel"),
]
