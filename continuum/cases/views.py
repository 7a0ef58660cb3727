from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from continuum.access import policy
from continuum.cases.forms import CaseFilterForm
from continuum.cases.selectors import CaseFilters, case_detail, case_list

PAGE_SIZE = 25


@require_GET
@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    if not policy.can_list_cases(request.user):
        raise Http404("No such page.")
    form = CaseFilterForm(request.GET or None)
    filters = CaseFilters.from_cleaned(form.cleaned_data) if form.is_valid() else CaseFilters()
    cases = case_list(request.user, filters) if (form.is_bound is False or form.is_valid()) else None
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page")) if cases is not None else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
@login_required
def case_detail_view(request: HttpRequest, case_id: str) -> HttpResponse:
    case = policy.access_case(request.user, case_id, "view")
    return render(request, "cases/case_detail.html", {"detail": case_detail(case)})
