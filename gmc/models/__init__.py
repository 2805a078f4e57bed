from .audit import AuditEntry
from .conference import AllianceMember, Edition, Organisation, OrganisationType
from .content import NewsArticle, Publication
from .outbox import OutboxMessage
from .users import User

__all__ = [
    "AllianceMember",
    "AuditEntry",
    "Edition",
    "NewsArticle",
    "Organisation",
    "OrganisationType",
    "OutboxMessage",
    "Publication",
    "User",
]
