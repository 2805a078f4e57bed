from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GmcConfig(AppConfig):
    name = "gmc"
    verbose_name = _("Conference")

    def ready(self) -> None:
        from gmc.permissions import sync_after_migrate

        # Not limited to this app: the group also holds the other apps' permissions,
        # which exist only once their own post_migrate has run.
        post_migrate.connect(sync_after_migrate, dispatch_uid="gmc.sync_organiser_group")

        from gmc.sites import sync_site

        post_migrate.connect(sync_site, dispatch_uid="gmc.sync_site")

        from gmc.database import apply_timeouts

        # A worker's or a command's connections wait longer than a web request's.
        connection_created.connect(apply_timeouts, dispatch_uid="gmc.database_timeouts")

        from gmc import page_cache
        from gmc.models import AllianceMember, Edition, NewsArticle, Organisation, Publication

        # What the site's own public pages show (the apps declare theirs); the editions'
        # hosts and co-organisers are many-to-many relations, followed as well.
        page_cache.invalidated_by(Edition, Organisation, AllianceMember, Publication, NewsArticle)
