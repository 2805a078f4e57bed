from .public import (
    about,
    alliance,
    contact,
    edition_detail,
    edition_list,
    home,
    news_detail,
    news_list,
    publication_download,
    publication_list,
    robots_txt,
)
from .system import healthz, mail_sink, mail_sink_message, mail_sink_message_html

__all__ = [
    "about",
    "alliance",
    "contact",
    "edition_detail",
    "edition_list",
    "healthz",
    "home",
    "mail_sink",
    "mail_sink_message",
    "mail_sink_message_html",
    "news_detail",
    "news_list",
    "publication_download",
    "publication_list",
    "robots_txt",
]
