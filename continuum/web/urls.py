from django.contrib.auth import views as auth_views
from django.urls import path

from continuum.web import views

app_name = "web"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("staff/ok/", views.staff_ok, name="staff_ok"),
]
