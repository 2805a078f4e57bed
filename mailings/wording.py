"""Organisers' wording of the automatic emails: what the built-in files say, in the form
of a template, and the check of a template an organiser writes (its syntax, its
variables, a render with the kind's sample data from ``gmc.email_kinds``)."""

from __future__ import annotations

import re

from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.base import FilterExpression, Node, TokenType, Variable
from django.template.defaulttags import ForNode, RegroupNode, TemplateLiteral, WithNode
from django.template.loader_tags import IncludeNode
from django.template.smartif import TokenBase
from django.templatetags.i18n import BlockTranslateNode
from django.utils.translation import gettext_lazy as _

from gmc.email_kinds import KINDS

_BODY_BLOCK = re.compile(r"{%\s*block body\s*%}(.*){%\s*endblock\s*%}", re.DOTALL)
_BLOCK_SUPER = re.compile(r"\n?{{\s*block\.super\s*}}")
_INCLUDE = re.compile(r"{%\s*include\s+\"([^\"]+)\"\s*%}")
_LOAD_I18N = re.compile(r"^{%\s*load i18n\s*%}")
_LOAD = re.compile(r"{%\s*load\s[^%]*%}")
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
        # The libraries the page loads (i18n; gmc_extras for a side that turns in Arabic).
        load = _LOAD.search(page)
        if load:
            html = load.group(0) + html
    return {"subject": subject, "text": text, "html": html}


# Names a template binds itself and may always use: the loop's and the block's, and the
# constants every context holds.
_ALWAYS_BOUND = {"forloop", "block", "True", "False", "None"}
# Where tags keep a name they bind ({% ... as name %}, {% blocktranslate count n=... %}).
_BINDING_ATTRIBUTES = ("asvar", "variable", "var_name", "variable_name", "countervar")


def _root(expression) -> str | None:
    """The variable's first name in a filter expression, or None for a literal."""
    var = getattr(expression, "var", None)
    if isinstance(var, Variable) and var.lookups:
        return var.lookups[0]
    return None


def _expression_names(expression: FilterExpression) -> set[str]:
    """The names a filter expression reads: its variable's and its filters' arguments'."""
    names = {_root(expression)}
    for _filter, arguments in expression.filters:
        for is_variable, argument in arguments:
            if is_variable and isinstance(argument, Variable) and argument.lookups:
                names.add(argument.lookups[0])
    names.discard(None)
    return names


def _names_read(value) -> set[str]:
    """The names a tag's argument reads: a filter expression, an {% if %} condition, or
    a list or mapping of them (anything else reads none)."""
    if isinstance(value, FilterExpression):
        return _expression_names(value)
    if isinstance(value, TemplateLiteral):
        return _expression_names(value.value)
    if isinstance(value, TokenBase):  # an operator of an {% if %} condition
        return _names_read(value.first) | _names_read(value.second)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return set().union(*(_names_read(item) for item in value))
    return set()


def _collect(template, used: set[str], bound: set[str], seen: set[str]) -> None:
    """Add the names ``template`` (a compiled django.template.base.Template) reads and
    binds, following the files it includes by name; the layout it extends is left out
    (the outbox puts it around every email)."""
    for node in template.nodelist.get_nodes_by_type(Node):
        if isinstance(node, RegroupNode):
            # Its grouping expression reads the items of the list, not the context.
            used.update(_names_read(node.target))
            bound.add(node.var_name)
            continue
        for value in vars(node).values():
            used.update(_names_read(value))
        for attribute in _BINDING_ATTRIBUTES:
            name = getattr(node, attribute, None)
            if isinstance(name, str):
                bound.add(name)
        if isinstance(node, ForNode):
            bound.update(node.loopvars)
        elif isinstance(node, WithNode | BlockTranslateNode):
            bound.update(node.extra_context)
        if isinstance(node, BlockTranslateNode):
            for token in [*node.singular, *(node.plural or [])]:
                if token.token_type == TokenType.VAR:
                    used.add(token.contents.split(".")[0].split("|")[0].strip())
        elif isinstance(node, IncludeNode) and isinstance(node.template.var, str):
            name = node.template.var
            if name in seen:
                continue
            seen.add(name)
            try:
                included = template.engine.get_template(name)
            except TemplateDoesNotExist:  # rendering says so
                continue
            _collect(included, used, bound, seen)


def template_names(template) -> tuple[set[str], set[str]]:
    """(names used, names the template binds itself) of a template of either engine,
    with the files it includes; what it uses and does not bind must come from the
    context."""
    used: set[str] = set()
    bound: set[str] = set(_ALWAYS_BOUND)
    _collect(getattr(template, "template", template), used, bound, set())
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
        used, bound = template_names(template)
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
