from django.urls import path

from .views import messages as message_views
from .views import preferences as preference_views

app_name = "mailings"

urlpatterns = [
    path("email/unsubscribe/<str:token>/", preference_views.unsubscribe, name="unsubscribe"),
    path("email/preferences/", preference_views.email_preferences, name="preferences"),
    path("organisers/messages/", message_views.message_list, name="message_list"),
    path("organisers/messages/new/", message_views.message_new, name="message_new"),
    path("organisers/messages/<int:pk>/", message_views.message_detail, name="message_detail"),
    path("organisers/messages/<int:pk>/edit/", message_views.message_edit, name="message_edit"),
    path(
        "organisers/messages/<int:pk>/preview/",
        message_views.message_preview,
        name="message_preview",
    ),
    path(
        "organisers/messages/<int:pk>/test/",
        message_views.message_send_test,
        name="message_send_test",
    ),
    path("organisers/messages/<int:pk>/send/", message_views.message_send, name="message_send"),
    path(
        "organisers/messages/<int:pk>/progress/",
        message_views.message_progress,
        name="message_progress",
    ),
]
