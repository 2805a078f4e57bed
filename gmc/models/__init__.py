from .outbox import OutboxMessage
from .users import User

__all__ = ["OutboxMessage", "User"]
