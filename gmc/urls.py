from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from gmc import views
from gmc.sitemaps import all_sitemaps
from gmc.views import admin_login, languages, policies

admin.site.site_header = _("GMC portal administration")
admin.site.site_title = _("GMC portal")
admin.site.index_title = _("Conference administration")

# Pages people read have an address per language: /es/agenda/2025/, with English
# unprefixed as it always was (an address without a prefix still opens in every
# language: see gmc/languages.py). That holds the apps' pages whole, their token
# addresses included (tickets, calendar feeds, unsubscribe): those that went out in
# emails before had no prefix and keep working, and a message written in Spanish links
# to the Spanish page.
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("alliance/", views.alliance, name="alliance"),
    path("editions/", views.edition_list, name="editions"),
    path("editions/<int:year>/", views.edition_detail, name="edition_detail"),
    path("publications/", views.publication_list, name="publications"),
    path(
        "publications/<slug:slug>/download/",
        views.publication_download,
        name="publication_download",
    ),
    path("news/", views.news_list, name="news"),
    path("news/<slug:slug>/", views.news_detail, name="news_detail"),
    path("contact/", views.contact, name="contact"),
    path("privacy/", policies.privacy, name="privacy"),
    path("code-of-conduct/", policies.code_of_conduct, name="code_of_conduct"),
    path("", include("registration.urls")),
    path("", include("agenda.urls")),
    path("", include("declarations.urls")),
    path("", include("mailings.urls")),
    path("", include("documents.urls")),
    path("", include("registration.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    prefix_default_language=False,
)

# One address for every language: what machines read (robots.txt, the sitemap, which
# lists each language's addresses itself, the health check), the switcher's target, the
# admin (in its user's own language, from the profile) and the development mail sink.
urlpatterns += [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": all_sitemaps()}, name="sitemap"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", languages.set_language, name="set_language"),
    path("i18n/choose/<str:code>/", languages.choose_language, name="choose_language"),
    # Before the admin's own: its login form is replaced by the account sign-in.
    path("admin/login/", admin_login.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("dev/mail/", views.mail_sink, name="mail_sink"),
    path("dev/mail/<str:name>/<int:index>/", views.mail_sink_message, name="mail_sink_message"),
    path(
        "dev/mail/<str:name>/<int:index>/html/",
        views.mail_sink_message_html,
        name="mail_sink_message_html",
    ),
]
