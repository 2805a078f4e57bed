"""The outbox belongs to the base: it imports no app, and asks the app that keeps
people's email choices through the providers registered in gmc.outbox_hooks."""

import ast
from pathlib import Path

import pytest

from gmc import outbox, outbox_hooks
from gmc.models import OutboxMessage
from gmc.outbox_hooks import Providers, Wording
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
APPS_ABOVE_GMC = {"registration", "agenda", "declarations", "mailings"}
# The outbox and every module it reads.
OUTBOX_MODULES = [
    "gmc/outbox.py",
    "gmc/outbox_hooks.py",
    "gmc/email_kinds.py",
    "gmc/tasks.py",
    "gmc/models/outbox.py",
    "gmc/sealing.py",
    "gmc/links.py",
]


def imported(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module or "")
    return modules


def test_no_gmc_module_imports_mailings():
    for path in (ROOT / "gmc").rglob("*.py"):
        assert not {m for m in imported(path) if m.split(".")[0] == "mailings"}, path


def test_the_outbox_imports_no_app():
    for name in OUTBOX_MODULES:
        apps = {m for m in imported(ROOT / name) if m.split(".")[0] in APPS_ABOVE_GMC}
        assert not apps, (name, apps)


@pytest.fixture
def providers():
    """Swap the registered providers for the test's, and put them back after."""
    registered = outbox_hooks.current()
    yield outbox_hooks.register
    outbox_hooks.register(registered)


def test_without_providers_everyone_gets_the_files_without_an_unsubscribe_link(db, providers):
    providers(outbox_hooks.BUILT_IN)
    message = outbox.queue(kind="outbox.test", to=UserFactory(), category="reminders")
    assert message.status == OutboxMessage.Status.PENDING
    email = outbox.render(message)
    assert email.subject == "Test message from the GMC portal"
    assert "List-Unsubscribe" not in email.extra_headers


def test_the_outbox_asks_the_registered_providers(db, providers):
    accepting, declining = UserFactory(), UserFactory()
    asked = []

    def custom_wording(kind: str, language: str) -> Wording | None:
        asked.append((kind, language))
        return Wording(subject="Own subject for {{ name }}", text="Own text")

    providers(
        Providers(
            custom_wording=custom_wording,
            is_opted_out=lambda user_id, category: user_id == declining.pk,
            unsubscribe_url=lambda user_id, category: f"https://x.example/{user_id}/{category}/",
        )
    )
    context = {"name": "Amina"}
    declined = outbox.queue(kind="outbox.test", to=declining, context=context, category="news")
    accepted = outbox.queue(kind="outbox.test", to=accepting, context=context, category="news")
    assert declined.status == OutboxMessage.Status.SUPPRESSED
    email = outbox.render(accepted)
    assert email.subject == "Own subject for Amina"
    link = f"https://x.example/{accepting.pk}/news/"
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert link in email.body
    assert asked == [("outbox.test", accepting.language or "en")]
