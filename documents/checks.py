"""A start-up check that the fonts every PDF embeds are installed (``npm ci``)."""

from django.core import checks

from gmc.pdf import missing_fonts


@checks.register()
def fonts_installed(app_configs, **kwargs) -> list[checks.CheckMessage]:
    missing = missing_fonts()
    if not missing:
        return []
    return [
        checks.Error(
            "The fonts that PDF documents embed are missing: " + ", ".join(map(str, missing)),
            hint="Run `npm ci` (package.json installs them), or set PDF_FONT_DIR.",
            id="documents.E001",
        )
    ]
