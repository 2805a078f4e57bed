from django.urls import path

from . import views
from .badges import views as badges
from .visa import views as visa_views

app_name = "documents"

urlpatterns = [
    path("register/me/<int:year>/<slug:kind>.pdf", views.download, name="download"),
    path("verify/<str:code>/", views.verify, name="verify"),
    # Name badges, for organisers who check people in.
    path("organisers/badges/", badges.badges, name="badges"),
    path("organisers/badges/<int:pk>/", badges.badge_print, name="badge_print"),
    path("organisers/badges/<int:pk>/again/", badges.badge_print_retry, name="badge_print_retry"),
    path(
        "organisers/badges/<int:pk>/badges.pdf",
        badges.badge_print_download,
        name="badge_print_download",
    ),
    path(
        "organisers/badges/registration/<int:pk>.pdf",
        badges.registration_badge,
        name="registration_badge",
    ),
    path("register/me/<int:year>/visa-letter/", visa_views.visa_request, name="visa_request"),
]
