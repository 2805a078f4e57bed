from .conference import AllianceMember, Edition, Organisation, OrganisationType
from .outbox import OutboxMessage
from .users import User

__all__ = [
    "AllianceMember",
    "Edition",
    "Organisation",
    "OrganisationType",
    "OutboxMessage",
    "User",
]
