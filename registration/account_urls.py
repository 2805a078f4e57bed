"""A person's own account pages, next to allauth's under /accounts/."""

from django.urls import path

from . import account_views

app_name = "accounts"

urlpatterns = [
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/data/", account_views.my_data, name="data"),
    path("accounts/data/download/", account_views.download, name="download"),
    path("accounts/delete/", account_views.delete, name="delete"),
]
