from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("register/me/<int:year>/<slug:kind>.pdf", views.download, name="download"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
