"""The pages' Jinja2 templates: one environment per language with its gettext catalogue
(domain `web`) installed, so rendering in one language never touches another's globals."""

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.i18n import LANGUAGES, translations
from service.web import labels
from service.web.plans.labels import PLAN_STATES
from service.web.sessions import CSRF_HEADER, Viewer

TEMPLATES = Path(__file__).with_name("templates")
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français"}


# The states of audits, round tables and plans, for the history's "from → to".
OBJECT_STATES = {**labels.AUDIT_STATES, **labels.ROUND_TABLE_STATES, **PLAN_STATES}


@lru_cache(maxsize=len(LANGUAGES))
def environment(language: str) -> Environment:
    """The template environment of one language."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language, "web"), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        phase_label=labels.PHASES,
        state_label=labels.STATES,
        trigger_label=labels.TRIGGERS,
        event_label=labels.EVENT_KINDS,
        happened=labels.HAPPENED,
        audit_state_label=labels.AUDIT_STATES,
        audit_trigger_label=labels.AUDIT_TRIGGERS,
        round_table_state_label=labels.ROUND_TABLE_STATES,
        object_state_label=OBJECT_STATES,
        role_label=labels.ROLES,
        kind_label=labels.KINDS,
        language_names=LANGUAGE_NAMES,
        csrf_header=CSRF_HEADER,
    )
    return env


def render(
    request: Request,
    name: str,
    language: str,
    viewer: Viewer | None = None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page in the viewer's language; pages signed-out pass the language themselves."""
    template = environment(language).get_template(name)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    html = template.render(
        lang=language,
        viewer=viewer,
        user=viewer.user if viewer else None,
        csrf=viewer.csrf if viewer else context.pop("csrf", ""),
        here=here,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def gettext(language: str, message: str, **values: Any) -> str:
    """One message in a language, for text built in Python (flash notes, reasons)."""
    text = translations(language, "web").gettext(message)
    return text % values if values else text
