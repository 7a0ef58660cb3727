from django.urls import include, path

urlpatterns = [
    path("cases/", include("continuum.cases.urls")),
    path("", include("continuum.web.urls")),
]
