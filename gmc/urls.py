from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from gmc import views

admin.site.site_header = _("GMC portal administration")
admin.site.site_title = _("GMC portal")
admin.site.index_title = _("Conference administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("registration.urls")),
    path("", include("agenda.urls")),
    path("", include("declarations.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("dev/mail/", views.mail_sink, name="mail_sink"),
    path("dev/mail/<str:name>/<int:index>/", views.mail_sink_message, name="mail_sink_message"),
]
