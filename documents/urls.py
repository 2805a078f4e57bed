from django.urls import path

from . import views
from .visa import views as visa_views

app_name = "documents"

urlpatterns = [
    path("register/me/<int:year>/<slug:kind>.pdf", views.download, name="download"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("register/me/<int:year>/visa-letter/", visa_views.visa_request, name="visa_request"),
]
