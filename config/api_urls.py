from django.urls import path
from rest_framework.routers import SimpleRouter

from cases.api import CaseViewSet
from letters.api import LetterPdfView

router = SimpleRouter(trailing_slash=True)
router.register("cases", CaseViewSet, basename="case")

urlpatterns = router.urls + [
    path("letters/<int:pk>/pdf", LetterPdfView.as_view(), name="letter-pdf"),
]
