from django.urls import include, path

urlpatterns = [
    path("account/", include("continuum.access.urls")),
    path("cases/mdt/", include("continuum.mdt.urls")),
    path("cases/", include("continuum.coordination.urls")),
    path("cases/", include("continuum.cases.urls")),
    # The audit pages need the access layer, so they live there; the URLs and names stay "audit:".
    path("audit/", include("continuum.access.audit_urls")),
    path("screening/", include("continuum.screening.urls")),
    path("care/", include("continuum.care.urls")),
    path("justice/", include("continuum.justice.urls")),
    path("", include("continuum.intake.urls")),
    path("", include("continuum.web.urls")),
]
