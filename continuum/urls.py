from django.urls import include, path

urlpatterns = [
    path("account/", include("continuum.access.urls")),
    path("cases/", include("continuum.cases.urls")),
    path("audit/", include("continuum.audit.urls")),
    path("screening/", include("continuum.screening.urls")),
    path("care/", include("continuum.care.urls")),
    path("justice/", include("continuum.justice.urls")),
    path("", include("continuum.intake.urls")),
    path("", include("continuum.web.urls")),
]
