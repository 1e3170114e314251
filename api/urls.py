from django.urls import path
from rest_framework.routers import SimpleRouter

from .case_actions import ACTIONS, PARSERS
from .cases import CaseViewSet
from .debtors import DebtorViewSet
from .documents import CaseDocumentsView, CaseDocumentView
from .invoices import InvoicesView
from .letters import LetterPdfView, LetterViewSet
from .payments import PaymentViewSet
from .policies import PolicyViewSet
from .webhooks import WebhookEndpointViewSet

router = SimpleRouter(trailing_slash=True)
router.register("cases", CaseViewSet, basename="case")
router.register("debtors", DebtorViewSet, basename="debtor")
router.register("letters", LetterViewSet, basename="letter")
router.register("payments", PaymentViewSet, basename="payment")
router.register("policies", PolicyViewSet, basename="policy")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls + [
    *(path(f"cases/<int:pk>/{name}", CaseViewSet.as_view({"post": name}, **(
        {"parser_classes": PARSERS[name]} if name in PARSERS else {})), name=f"case-{name}") for name in ACTIONS),
    path("cases/<int:pk>/documents/", CaseDocumentsView.as_view(), name="case-documents"),
    path("cases/<int:pk>/documents/<int:document_id>", CaseDocumentView.as_view(), name="case-document"),
    path("invoices/", InvoicesView.as_view(), name="invoices"),
    path("letters/<int:pk>/pdf", LetterPdfView.as_view(), name="letter-pdf"),
    path("webhooks/<int:pk>/events/<int:event_id>/replay", WebhookEndpointViewSet.as_view({"post": "replay"}),
         name="webhook-replay"),
    path("webhooks/<int:pk>/rotate-secret", WebhookEndpointViewSet.as_view({"post": "rotate_secret"}),
         name="webhook-rotate-secret"),
]
