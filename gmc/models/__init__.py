from .audit import AuditEntry
from .conference import AllianceMember, Edition, Organisation, OrganisationType
from .content import NewsArticle, Publication
from .messaging import Broadcast, EmailCategory, EmailOptOut, EmailTemplate, ReminderRule
from .outbox import OutboxMessage
from .users import User

__all__ = [
    "AllianceMember",
    "AuditEntry",
    "Broadcast",
    "Edition",
    "EmailCategory",
    "EmailOptOut",
    "EmailTemplate",
    "NewsArticle",
    "Organisation",
    "OrganisationType",
    "OutboxMessage",
    "Publication",
    "ReminderRule",
    "User",
]
