from django.urls import path

from . import case_views as views
from . import debtor_views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("debtors/", debtor_views.debtor_list, name="debtor_list"),
    path("debtors/<int:debtor_id>/", debtor_views.debtor_detail, name="debtor_detail"),
    path("debtors/<int:debtor_id>/vip", debtor_views.debtor_vip, name="debtor_vip"),
    path("debtors/<int:debtor_id>/override", debtor_views.debtor_override_view, name="debtor_override"),
]
