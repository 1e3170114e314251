from django.urls import path, re_path

from . import agent_views, debtor_views, documents, legal_views, payment_views
from . import case_views as views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.case_list, name="case_list"),
    re_path(r"^cases/export\.(?P<fmt>csv|xlsx)$", views.case_export, name="case_export"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/documents/<int:document_id>", documents.case_document, name="case_document"),
    path("debtors/", debtor_views.debtor_list, name="debtor_list"),
    path("debtors/<int:debtor_id>/", debtor_views.debtor_detail, name="debtor_detail"),
    path("debtors/<int:debtor_id>/vip", debtor_views.debtor_vip, name="debtor_vip"),
    path("debtors/<int:debtor_id>/override", debtor_views.debtor_override_view, name="debtor_override"),
    # The agency's staff, across creditors (portal.agent_views).
    path("agent/", agent_views.queue, name="agent_queue"),
    path("agent/next", agent_views.claim_next, name="agent_next"),
    path("agent/items/<int:item_id>/", agent_views.item_detail, name="agent_item"),
    path("agent/items/<int:item_id>/claim", agent_views.item_claim, name="agent_item_claim"),
    path("agent/items/<int:item_id>/release", agent_views.item_release, name="agent_item_release"),
    path("agent/items/<int:item_id>/assign", agent_views.item_assign, name="agent_item_assign"),
    path("agent/items/<int:item_id>/decide", agent_views.item_decide, name="agent_item_decide"),
    path("agent/items/<int:item_id>/address", agent_views.item_address, name="agent_item_address"),
    re_path(r"^agent/items/(?P<item_id>[0-9]+)/application\.(?P<fmt>pdf|json)$", agent_views.item_application,
         name="agent_item_application"),
    path("agent/items/<int:item_id>/documents", documents.item_document, name="agent_item_document"),
    path("agent/documents/<int:document_id>", documents.agent_document, name="agent_document"),
    path("agent/legal/", legal_views.filing_list, name="agent_filings"),
    path("agent/legal/<int:filing_id>/application.json", legal_views.filing_file, name="agent_filing_file"),
    path("agent/legal/<int:filing_id>/status", legal_views.filing_status, name="agent_filing_status"),
    path("agent/payments/", payment_views.payment_list, name="agent_payments"),
    path("agent/payments/<int:payment_id>/", payment_views.payment_detail, name="agent_payment"),
    path("agent/payments/<int:payment_id>/assign", payment_views.assign, name="agent_payment_assign"),
    path("agent/payments/<int:payment_id>/duplicate", payment_views.duplicate_confirm, name="agent_payment_duplicate"),
]
