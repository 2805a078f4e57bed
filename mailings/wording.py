"""Organisers' wording of the automatic emails: what the built-in files say, in the form
of a template, and the check of a template an organiser writes (its syntax, its
variables, a render with the kind's sample data from ``gmc.email_kinds``)."""

from __future__ import annotations

import re

from django.template import TemplateSyntaxError, engines
from django.template.base import TokenType, Variable, VariableNode
from django.template.defaulttags import ForNode, WithNode
from django.templatetags.i18n import BlockTranslateNode
from django.utils.translation import gettext_lazy as _

from gmc.email_kinds import KINDS

_BODY_BLOCK = re.compile(r"{%\s*block body\s*%}(.*){%\s*endblock\s*%}", re.DOTALL)
_BLOCK_SUPER = re.compile(r"\n?{{\s*block\.super\s*}}")
_INCLUDE = re.compile(r"{%\s*include\s+\"([^\"]+)\"\s*%}")
_LOAD_I18N = re.compile(r"^{%\s*load i18n\s*%}")
# The unsubscribe link is added to every email that needs one (gmc.outbox).
_UNSUBSCRIBE = re.compile(r"\n?{%\s*include\s+\"emails/messages/unsubscribe\.(txt|html)\"\s*%}")


def _source(name: str, engine: str) -> str:
    return engines[engine].get_template(name).template.source


def _inline_includes(source: str, engine: str) -> str:
    # One screen to read: the pieces the files share are written out in place.
    source = _UNSUBSCRIBE.sub("", source)
    return _INCLUDE.sub(
        lambda match: _LOAD_I18N.sub("", _source(match.group(1), engine)).strip("\n"), source
    )


def file_wording(kind: str) -> dict[str, str]:
    """Subject, text and HTML body of the built-in files of ``kind``, in the form of an
    organiser's template: the HTML body without the layout it extends (the layout is
    put around an organiser's template when it is sent)."""
    base = f"emails/{kind.replace('.', '/')}"
    subject = _source(f"{base}.subject.txt", "text").strip()
    text = _inline_includes(_source(f"{base}.txt", "text"), "text").strip("\n") + "\n"
    page = _source(f"{base}.html", "django")
    found = _BODY_BLOCK.search(page)
    html = ""
    if found:
        html = _inline_includes(_BLOCK_SUPER.sub("", found.group(1)), "django").strip("\n")
        if "{% load i18n %}" in page:
            html = "{% load i18n %}" + html
    return {"subject": subject, "text": text, "html": html}


# Names a template binds itself and may always use.
_ALWAYS_BOUND = {"forloop", "block"}


def _root(expression) -> str | None:
    """The variable's first name in a filter expression, or None for a literal."""
    var = getattr(expression, "var", None)
    if isinstance(var, Variable) and var.lookups:
        return var.lookups[0]
    return None


def _names_in(template) -> tuple[set[str], set[str]]:
    """(names used, names the template binds itself) of a compiled template."""
    nodelist = template.template.nodelist
    used: set[str] = set()
    bound: set[str] = set(_ALWAYS_BOUND)
    for node in nodelist.get_nodes_by_type(VariableNode):
        used.add(_root(node.filter_expression))
    for node in nodelist.get_nodes_by_type(ForNode):
        bound.update(node.loopvars)
        used.add(_root(node.sequence))
    for node in nodelist.get_nodes_by_type(WithNode):
        bound.update(node.extra_context)
        used.update(_root(value) for value in node.extra_context.values())
    for node in nodelist.get_nodes_by_type(BlockTranslateNode):
        bound.update(node.extra_context)
        used.update(_root(value) for value in node.extra_context.values())
        for token in [*node.singular, *(node.plural or [])]:
            if token.token_type == TokenType.VAR:
                used.add(token.contents.split(".")[0].split("|")[0].strip())
        if node.counter is not None:
            used.add(_root(node.counter))
    used.discard(None)
    return used, bound


def check_template(kind: str, sources: dict[str, str]) -> dict[str, list[str]]:
    """Errors per field of an organiser's template of ``kind``: syntax errors, names
    that are not variables of the kind, and failures rendering the sample data. The
    same engines render it when sending, so a template that passes here renders then."""
    info = KINDS.get(kind)
    allowed = set(info.all_variables) if info else set()
    errors: dict[str, list[str]] = {}
    for field_name, source in sources.items():
        if not source:
            continue
        engine = engines["django" if field_name == "html" else "text"]
        try:
            template = engine.from_string(source)
        except TemplateSyntaxError as exc:
            errors.setdefault(field_name, []).append(
                str(_("Template error: %(error)s") % {"error": exc})
            )
            continue
        if info is None:
            continue
        used, bound = _names_in(template)
        unknown = sorted(used - allowed - bound)
        if unknown:
            errors.setdefault(field_name, []).append(
                str(
                    _("Unknown variables: %(names)s. This email may use: %(allowed)s.")
                    % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}
                )
            )
            continue
        try:
            template.render(info.sample_context())
        except Exception as exc:  # any failure with sample data would fail a real send
            errors.setdefault(field_name, []).append(
                str(_("The template fails with sample data: %(error)s") % {"error": exc})
            )
    return errors
