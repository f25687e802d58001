"""Tell a document from a web page or data body that stands in for one, by the rules in rules/web_pages.json.

A failed download leaves the server's answer under the document's name (often `.pdf`): a "Report
not found" page, an access-denied or login page, a search page, a bot check, an almost empty page,
or a JSON/XML error body. None of them is the document, and every one would otherwise be read as
one (titled `<!DOCTYPE html>`). `check_page` judges what the HTML reader saw of a page;
`check_data_body` judges text that is JSON or an XML document. Both raise `DownloadFailed` saying
what the file is; JSON or XML that is no error body is `UnsupportedFormat`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from extractors.errors import DownloadFailed, UnsupportedFormat
from extractors.rules import RULES_DIR, load_rules

LABEL_CHARS = 120  # how much of a title or body a message quotes
# What separates a title's parts ("Report not found - Find an Inspection Report - Ofsted").
_TITLE_PARTS = re.compile(r"\s+[-|–—:]\s+|\s*\|\s*")


class Chrome(BaseModel):
    """Site furniture the reader drops: ARIA roles, and class or id names (one regex each) of any element
    or only of plain containers (a "section-header" h2 is a heading, a "site-header" div is furniture)."""

    model_config = ConfigDict(extra="forbid")

    roles: list[str]
    class_or_id: list[str] = Field(min_length=1)
    container_class_or_id: list[str]


class PageRule(BaseModel):
    """A kind of non-document page, told by phrases in its title or first heading, or in a short page's text."""

    model_config = ConfigDict(extra="forbid")

    what: str
    where: Literal["title_or_heading", "short_page_text"]
    patterns: list[str] = Field(min_length=1)


class SiteRule(BaseModel):
    """A site whose pages are searches and listings: one of its pages without a report body is no document."""

    model_config = ConfigDict(extra="forbid")

    what: str
    patterns: list[str] = Field(min_length=1)


class ErrorBodies(BaseModel):
    """What makes JSON or XML an error response: its top-level keys, or its root element's name (lower case)."""

    model_config = ConfigDict(extra="forbid")

    json_keys: list[str] = Field(min_length=1)
    xml_roots: list[str] = Field(min_length=1)


class WebPageRules(BaseModel):
    """rules/web_pages.json."""

    model_config = ConfigDict(extra="forbid")

    note: str
    chrome: Chrome
    error_pages: list[PageRule] = Field(min_length=1)
    search_sites: list[SiteRule]
    min_words: int = Field(ge=0)  # fewer words of content: a page with almost no content
    min_report_words: int = Field(ge=0)  # fewer: no report body (short-page rules apply)
    max_link_share: float = Field(gt=0, le=1)  # more of the words in links: a listing, not a document
    error_bodies: ErrorBodies

    @field_validator("error_pages", "search_sites")
    @classmethod
    def _patterns_compile(cls, v: list) -> list:
        for rule in v:
            for p in rule.patterns:
                re.compile(p)
        return v

    @field_validator("chrome")
    @classmethod
    def _chrome_compiles(cls, v: Chrome) -> Chrome:
        for p in v.class_or_id + v.container_class_or_id:
            re.compile(p)
        return v

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> WebPageRules:
        if self.min_report_words < self.min_words:
            raise ValueError("min_report_words must be at least min_words")
        return self


@lru_cache(maxsize=1)
def web_page_rules() -> WebPageRules:
    """The rules, loaded and validated once."""
    return load_rules(WebPageRules, RULES_DIR / "web_pages.json")


def _any(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@lru_cache(maxsize=1)
def chrome_names() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes for the class and id names of site furniture: (any element, plain containers: also these)."""
    chrome = web_page_rules().chrome
    return _any(chrome.class_or_id), _any(chrome.class_or_id + chrome.container_class_or_id)


@lru_cache(maxsize=1)
def _compiled() -> tuple[list[tuple[PageRule, re.Pattern[str]]], list[tuple[SiteRule, re.Pattern[str]]]]:
    rules = web_page_rules()
    return [(r, _any(r.patterns)) for r in rules.error_pages], [(r, _any(r.patterns)) for r in rules.search_sites]


@dataclass(frozen=True)
class PageSummary:
    """What the HTML reader saw of a page: enough to tell a document from a stand-in."""

    title: str  # <title>, whitespace collapsed ("" if none)
    heading: str  # the content's first h1 (or first heading)
    text: str  # the content's text as read (lines joined by newlines)
    words: int  # words of content
    link_words: int  # of which inside links
    password_field: bool  # a password input in the content: a login form
    refresh_to: str | None  # <meta http-equiv="refresh"> target: a redirect


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def page_label(page: PageSummary) -> str:
    """How a message names the page: its title, else its first heading, else its first words."""
    for candidate in (page.title, page.heading, page.text):
        if candidate.strip():
            return f"'{_label(candidate)}'"
    return "no title, no text"


def check_page(page: PageSummary) -> None:
    """Raise DownloadFailed if the page is an error, login, search or redirect page, or holds almost nothing."""
    rules = web_page_rules()
    page_rules, sites = _compiled()
    short = page.words < rules.min_report_words

    def failed(what: str, extra: str = "") -> DownloadFailed:
        return DownloadFailed(f"this is {_article(what)} {what} ({page_label(page)}{extra}), not the document")

    names = [page.title, *_TITLE_PARTS.split(page.title), page.heading]
    for rule, rx in page_rules:
        if rule.where == "title_or_heading" and any(rx.search(name) for name in names):
            raise failed(rule.what)
    if short and page.password_field:
        raise failed("login web page")
    if short and page.refresh_to is not None:
        raise failed("redirect web page", f" -> {_label(page.refresh_to)}" if page.refresh_to else "")
    if short:
        for rule, rx in page_rules:
            if rule.where == "short_page_text" and rx.search(page.text):
                raise failed(rule.what)
    link_share = page.link_words / page.words if page.words else 0.0
    for site, rx in sites:
        if rx.search(page.title) and (short or link_share > rules.max_link_share):
            raise failed(site.what)
    if page.words < rules.min_words:
        raise failed("web page with almost no content", f", {page.words} word{'' if page.words == 1 else 's'}")
    if link_share > rules.max_link_share:
        raise failed("web page that is mostly links (a listing or index)")


def _article(what: str) -> str:
    return "an" if what.lstrip("'")[:1].lower() in "aeiou" else "a"


# -- JSON and XML bodies ------------------------------------------------------------------------------

_XML_DECL = re.compile(r"<\?xml\b")
_XML_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_XML_SKIP = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.DOTALL | re.IGNORECASE)
_XML_TAG = re.compile(r"<[^>]*>")
XML_SCAN = 65536  # characters searched for an XML root element


def xml_root(text: str) -> str | None:
    """The root element's name of text that starts (after whitespace) with an XML declaration, else None."""
    start = text.lstrip()
    if not _XML_DECL.match(start):
        return None
    head = start[:XML_SCAN]
    pos = 0
    while m := _XML_SKIP.match(head, pos):
        if m.end() == pos:
            break
        pos = m.end()
    m = _XML_ROOT.match(head, pos)
    return m.group(1) if m else ""


def check_data_body(text: str) -> None:
    """Raise if `text` is JSON or an XML document (not XHTML): DownloadFailed for an error body, else UnsupportedFormat.

    Returns quietly for anything else (HTML is told apart before this is called).
    """
    rules = web_page_rules().error_bodies
    start = text.lstrip()
    if start[:1] in ("{", "["):
        try:
            value = json.loads(text)
        except ValueError:
            return  # text that happens to start with a brace
        keys = {k.lower() for k in value} if isinstance(value, dict) else set()
        if keys & set(rules.json_keys):
            snippet = _label(json.dumps(value, ensure_ascii=False))
            raise DownloadFailed(f"this is a JSON error response ({snippet}), not the document")
        raise UnsupportedFormat("JSON data, not a document")
    root = xml_root(text)
    if root is None:
        return
    local = root.rsplit(":", 1)[-1].lower()
    if local == "html":
        return
    if local in rules.xml_roots:
        body = _label(_XML_TAG.sub(" ", start[start.find(f"<{root}") :]))
        raise DownloadFailed(f"this is an XML error response (<{root}>: {body}), not the document")
    raise UnsupportedFormat(f"an XML file (root element <{root or '?'}>), not a document")
