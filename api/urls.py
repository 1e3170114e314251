from django.urls import path
from rest_framework.routers import SimpleRouter

from .cases import CaseViewSet
from .debtors import DebtorViewSet
from .letters import LetterPdfView

router = SimpleRouter(trailing_slash=True)
router.register("cases", CaseViewSet, basename="case")
router.register("debtors", DebtorViewSet, basename="debtor")

urlpatterns = router.urls + [
    path("letters/<int:pk>/pdf", LetterPdfView.as_view(), name="letter-pdf"),
]
