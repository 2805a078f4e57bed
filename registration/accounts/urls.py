"""A person's own account pages, next to allauth's under /accounts/."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/data/", views.my_data, name="data"),
    path("accounts/data/download/", views.download, name="download"),
    path("accounts/delete/", views.delete, name="delete"),
]
