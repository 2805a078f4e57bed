from django.urls import path

from . import views

app_name = "mailings"

urlpatterns = [
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("email/preferences/", views.email_preferences, name="preferences"),
    path("organisers/messages/", views.message_list, name="message_list"),
    path("organisers/messages/new/", views.message_new, name="message_new"),
    path("organisers/messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("organisers/messages/<int:pk>/edit/", views.message_edit, name="message_edit"),
    path("organisers/messages/<int:pk>/preview/", views.message_preview, name="message_preview"),
    path("organisers/messages/<int:pk>/test/", views.message_send_test, name="message_send_test"),
    path("organisers/messages/<int:pk>/send/", views.message_send, name="message_send"),
    path(
        "organisers/messages/<int:pk>/progress/", views.message_progress, name="message_progress"
    ),
]
