"""The workflow's reasons (English sentences built by the guards) in the page's language.

Fixed reasons are message ids of their own; reasons that name firms are matched by pattern and
rebuilt from a translated sentence with the firms' names kept as they are."""

import re

from service.kpis import kpi_catalogue
from service.web.labels import N_
from service.web.templating import gettext

FIXED = (
    N_("no broker is assigned"),
    N_("no active candidate is listed"),
    N_("no supplier is selected"),
    N_("no round table has been held with minutes"),
    N_("no held phase is recorded to resume to"),
    N_("the engagement is not in phase improvement_analysis"),
    N_("the analysis is approved; reopen it to change it"),
)
# "2 candidates have no reviewed evaluation audit: A, B" and the singular form.
SHORTFALL = re.compile(
    r"^(?P<count>\d+) (?P<noun>candidates?|selected suppliers?) (?:has|have) (?P<what>.+?): "
    r"(?P<names>.+)$"
)
SHORTFALL_TEXT = {
    ("candidate", "no reviewed evaluation audit"): N_(
        "candidates without a reviewed evaluation audit: %(names)s"
    ),
    ("candidate", "no selection decision"): N_(
        "candidates without a selection decision: %(names)s"
    ),
    ("selected supplier", "not attended a round table"): N_(
        "selected suppliers who have not attended a round table: %(names)s"
    ),
    ("selected supplier", "no agreed targets"): N_(
        "selected suppliers without agreed targets: %(names)s"
    ),
    ("selected supplier", "no approved analysis"): N_(
        "selected suppliers without an approved analysis: %(names)s"
    ),
    ("selected supplier", "no closed plan"): N_(
        "selected suppliers without a closed plan: %(names)s"
    ),
    ("selected supplier", "no partnership decision"): N_(
        "selected suppliers without a partnership decision: %(names)s"
    ),
}
BUYER = re.compile(
    r"^the buyer(?: (?P<name>.+?))? (?P<what>has not attended a round table|"
    r"has no approved analysis|has no closed plan)$"
)
BUYER_TEXT = {
    "has not attended a round table": N_("the buyer %(name)s has not attended a round table"),
    "has no approved analysis": N_("the buyer %(name)s has no approved analysis"),
    "has no closed plan": N_("the buyer %(name)s has no closed plan"),
}
NO_FINDING = re.compile(r"^the analysis of (?P<firm>.+) has no finding$")
NO_BASELINE = re.compile(r"^\d+ targeted KPIs? (?:has|have) no baseline: (?P<names>.+)$")
NOT_SELECTED = re.compile(r"^targets are agreed with selected suppliers; this one is \w+$")
NEEDS_REASON = re.compile(r"^(?P<trigger>\w+) needs a reason$")


def translated(reason: str, language: str) -> str:
    """One reason in the language; a reason no pattern knows stays as the guard wrote it."""
    if reason in FIXED:
        return gettext(language, reason)
    if match := SHORTFALL.match(reason):
        noun = match["noun"].removesuffix("s")
        text = SHORTFALL_TEXT.get((noun, match["what"]))
        if text:
            return gettext(language, text, names=match["names"])
    if match := BUYER.match(reason):
        return gettext(language, BUYER_TEXT[match["what"]], name=match["name"] or "").replace(
            "  ", " "
        )
    if match := NO_FINDING.match(reason):
        return gettext(language, N_("the analysis of %(firm)s has no finding"), firm=match["firm"])
    if match := NO_BASELINE.match(reason):
        names = ", ".join(kpi_name(key, language) for key in match["names"].split(", "))
        return gettext(language, N_("targeted KPIs without a baseline: %(names)s"), names=names)
    if NOT_SELECTED.match(reason):
        return gettext(language, N_("targets are agreed with selected suppliers only"))
    if NEEDS_REASON.match(reason):
        return gettext(language, N_("a reason is required"))
    return reason


def kpi_name(key: str, language: str) -> str:
    """A KPI's name in the language, or its key when the catalogue has no such KPI."""
    kpi = kpi_catalogue().get(key)
    return str(getattr(kpi.name, language)) if kpi else key


def all_translated(reasons: list[str] | tuple[str, ...], language: str) -> list[str]:
    """Every reason in the language, in order."""
    return [translated(reason, language) for reason in reasons]


# Where each kind of blocking reason is fixed: a phrase of the reason, and the page (under
# /engagements/{id}) that fixes it. The first phrase found wins.
FIXED_ON = (
    ("no broker is assigned", "/edit"),
    ("reviewed evaluation audit", "#audits"),
    ("round table", "/round-tables"),
    ("agreed targets", "/targets"),
    ("approved analysis", "/analyses"),
    ("closed plan", "/plans"),
    ("candidate", "#candidates"),
    ("selected", "#candidates"),
    ("partnership decision", "#candidates"),
)


def fixed_on(reason: str, engagement_id: object) -> str:
    """The page where what a reason names is fixed; the engagement page when none is known."""
    page = f"/engagements/{engagement_id}"
    for phrase, where in FIXED_ON:
        if phrase in reason:
            return page + where
    return page + "#next-heading"
