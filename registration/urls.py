from django.urls import path

from . import views

app_name = "registration"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/me/", views.mine, name="mine"),
    path("register/<int:year>/", views.register_year, name="register_year"),
    path("register/me/<int:year>/edit/", views.edit, name="edit"),
    path("register/me/<int:year>/cancel/", views.cancel, name="cancel"),
    path("register/me/<int:year>/resend/", views.resend, name="resend"),
    path("register/me/<int:year>/event.ics", views.ics, name="ics"),
    path("register/ticket/<str:code>/", views.ticket, name="ticket"),
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/<int:pk>/", views.checkin_mark, name="checkin_mark"),
    path("organisers/stats/", views.stats, name="stats"),
]
