from django.urls import path

from . import views

app_name = "agenda"

urlpatterns = [
    path("agenda/", views.index, name="index"),
    path("agenda.ics", views.current_ics, name="current_ics"),
    path("agenda/mine/", views.mine, name="mine"),
    path("agenda/mine/feed/reset/", views.feed_reset, name="feed_reset"),
    path("agenda/feed/<slug:token>.ics", views.feed, name="feed"),
    path("agenda/<int:year>/", views.edition_programme, name="edition"),
    path("agenda/<int:year>.ics", views.edition_ics, name="edition_ics"),
    path("agenda/session/<slug:slug>/", views.session_detail, name="session"),
    path("agenda/session/<slug:slug>.ics", views.session_ics, name="session_ics"),
    path("agenda/session/<slug:slug>/star/", views.star, name="star"),
    path("agenda/session/<slug:slug>/unstar/", views.unstar, name="unstar"),
    path("agenda/session/<slug:slug>/feedback/", views.session_feedback, name="feedback"),
    path("agenda/material/<int:pk>/", views.material_download, name="material"),
    path("speakers/", views.speaker_list, name="speakers"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker"),
]
