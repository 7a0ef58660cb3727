from django.urls import path

from continuum.cases import views

app_name = "cases"

# Mounted at /cases/; coordination (/cases/tasks/, /cases/<id>/team/ ...) and mdt (/cases/mdt/)
# mount theirs under the same prefix (continuum/urls.py).
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("<uuid:case_id>/", views.case_detail_view, name="detail"),
    path("<uuid:case_id>/audit/", views.case_audit_view, name="audit"),
    path("<uuid:case_id>/edit/", views.case_edit_view, name="edit"),
    path("<uuid:case_id>/close/", views.case_close_view, name="close"),
    path("<uuid:case_id>/account/", views.account_view, name="account"),
    path("<uuid:case_id>/consents/", views.consents_view, name="consents"),
    path(
        "<uuid:case_id>/consents/<int:consent_id>/revoke/", views.consent_revoke_view, name="consent_revoke"
    ),
    path("<uuid:case_id>/break-glass/", views.break_glass_view, name="break_glass"),
    path("<uuid:case_id>/court-orders/", views.court_orders_view, name="court_orders"),
]
