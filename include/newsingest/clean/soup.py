"""Parsing a page into a BeautifulSoup tree, faster than ``BeautifulSoup(markup, "lxml")``.

Parsing was about half of the cleaner's time, and most of that was not libxml2 but Beautiful Soup's
general-purpose tree building in Python (namespace bookkeeping, an attribute dict copied three times,
a tag stack searched by name, string linkage re-checked per string). :func:`parse_html` feeds the same
libxml2 HTML parser, with the same options, the same events, and builds the same tree (the same
``Tag`` and string classes, the same whitespace folding, the same links between elements) with only
what an HTML page needs. Anything it does not expect (a namespaced name, a parser error) falls back to
Beautiful Soup's own builder, so the result never differs from ``BeautifulSoup(markup, "lxml",
multi_valued_attributes=None)``; ``tests/unit/clean/test_soup.py`` compares the two.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bs4 import BeautifulSoup
from bs4.builder._lxml import LXMLTreeBuilderForXML
from bs4.element import Comment, Doctype, NavigableString, ProcessingInstruction, Tag
from lxml import etree

_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"  # BeautifulSoup.ASCII_SPACES
_new_tag = object.__new__
_MAIN_TYPES = Tag.MAIN_CONTENT_STRING_TYPES


class _Unexpected(Exception):
    """Input the lean builder does not handle; Beautiful Soup's own builder takes over."""


def _reference(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "lxml", multi_valued_attributes=None)


class _Target:
    """An lxml parser target that builds Beautiful Soup's tree directly.

    It mirrors ``BeautifulSoup.handle_starttag`` / ``handle_endtag`` / ``endData`` for the events an
    HTML parse produces (no namespaces, no ``parse_only``).
    """

    def __init__(self, soup: BeautifulSoup) -> None:
        builder = soup.builder
        if not isinstance(builder, LXMLTreeBuilderForXML):
            raise _Unexpected(type(builder).__name__)
        self.soup = soup
        self.builder = builder
        self.stack: list[Tag] = [soup]
        self.names: list[str] = [soup.ROOT_TAG_NAME]
        self.last: Any = None  # the element parsed most recently (the soup itself is not linked)
        self.pending: list[str] = []
        self.containers: list[Tag] = []  # open tags whose strings get a special class (rt, style …)
        self.preserve: list[Tag] = []  # open tags that keep whitespace-only strings (pre, textarea)
        self.string_containers = builder.string_containers
        self.preserve_tags = builder.preserve_whitespace_tags
        self.namespaces = builder.active_namespace_prefixes[-1]
        if builder.empty_element_tags is None:  # TreeBuilder.can_be_empty_element
            raise _Unexpected("no void elements")
        self.empty_tags = builder.empty_element_tags

    def _end_data(self, cls: type[NavigableString] | None = None) -> None:
        text = "".join(self.pending)
        self.pending = []
        if not self.preserve and not text.strip(_ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        if cls is None:
            cls = NavigableString
            if self.containers:
                cls = self.string_containers.get(self.containers[-1].name, cls)
        parent = self.stack[-1]
        previous = self.last
        # NavigableString.__new__ plus PageElement.setup(parent, previous), inlined
        siblings = parent.contents
        sibling = siblings[-1] if siblings else None
        string = str.__new__(cls, text)
        string.__dict__ = {
            "hidden": False,
            "parent": parent,
            "previous_element": previous,
            "next_element": None,
            "next_sibling": None,
            "previous_sibling": sibling,
        }
        if previous is not None:
            previous.next_element = string
        if sibling is not None:
            sibling.next_sibling = string
        self.last = string
        siblings.append(string)

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        if nsmap or tag[:1] == "{" or (attrib and "{" in "".join(attrib)):
            raise _Unexpected(tag)
        if self.pending:
            self._end_data()
        parent = self.stack[-1]
        previous = self.last
        if tag == "meta" or tag in self.string_containers:
            # the general constructor: charset substitutions, special string types
            element = Tag(
                self.soup, self.builder, tag, None, None, attrib, parent, previous, namespaces=self.namespaces
            )
        else:
            element = self._tag(tag, attrib, parent, previous)
        self.last = element
        parent.contents.append(element)
        self.stack.append(element)
        self.names.append(tag)
        if tag in self.preserve_tags:
            self.preserve.append(element)
        if tag in self.string_containers:
            self.containers.append(element)

    def _tag(self, tag: str, attrib: Any, parent: Tag, previous: Any) -> Tag:
        """``Tag(soup, builder, tag, None, None, attrib, parent, previous)`` for a plain HTML element
        (all attribute values strings, no ``<meta>``), field by field."""
        builder = self.builder
        siblings = parent.contents
        sibling = siblings[-1] if siblings else None
        element = _new_tag(Tag)
        element.__dict__ = {
            "parser_class": BeautifulSoup,
            "name": tag,
            "namespace": None,
            "_namespaces": self.namespaces,
            "prefix": None,
            "sourceline": None,
            "sourcepos": None,
            "attribute_value_list_class": builder.attribute_value_list_class,
            "attrs": builder.attribute_dict_class(attrib),
            "known_xml": False,
            "contents": [],
            "parent": parent,
            "previous_element": previous,
            "next_element": None,
            "next_sibling": None,
            "previous_sibling": sibling,
            "hidden": False,
            "can_be_empty_element": tag in self.empty_tags,
            "cdata_list_attributes": builder.cdata_list_attributes,
            "preserve_whitespace_tags": self.preserve_tags,
            "interesting_string_types": _MAIN_TYPES,
        }
        if previous is not None:
            previous.next_element = element
        if sibling is not None:
            sibling.next_sibling = element
        return element

    def end(self, tag: str) -> None:
        if self.pending:
            self._end_data()
        names = self.names
        if names[-1] != tag and tag not in names[1:]:
            return
        while len(names) > 1:
            element = self.stack.pop()
            name = names.pop()
            if self.preserve and element is self.preserve[-1]:
                self.preserve.pop()
            if self.containers and element is self.containers[-1]:
                self.containers.pop()
            if name == tag:
                break

    def data(self, text: str) -> None:
        self.pending.append(text)

    def comment(self, text: str) -> None:
        if self.pending:
            self._end_data()
        self.pending.append(text)
        self._end_data(Comment)

    def pi(self, target: str, data: str) -> None:
        if self.pending:
            self._end_data()
        self.pending.append(target + " " + data)
        self._end_data(ProcessingInstruction)

    def doctype(self, name: str, pubid: str, system: str) -> None:
        if self.pending:
            self._end_data()
        self.pending.append(Doctype._string_for_name_and_ids(name, pubid, system))
        self._end_data(Doctype)

    def close(self) -> None:
        if self.pending:
            self._end_data()
        self.soup._most_recent_element = self.last


def parse_html(markup: str) -> BeautifulSoup:
    """The tree ``BeautifulSoup(markup, "lxml", multi_valued_attributes=None)`` builds, built faster."""
    if markup[:1] == "\ufeff":
        markup = markup[1:]
    if not markup:
        return _reference(markup)
    soup = _reference("")
    try:
        target = _Target(soup)
        parser = etree.HTMLParser(target=target, recover=True, huge_tree=False, encoding=None)
        parser.feed(markup)
        parser.close()
    except (_Unexpected, UnicodeDecodeError, LookupError, etree.ParserError):
        return _reference(markup)
    return soup


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while one page is cleaned.

    A parse tree is tens of thousands of objects linked both ways (parent, children, siblings); while it
    is built and read, allocation keeps triggering collections that walk every live object and free
    nothing (a third of the cleaner's time on the benchmark corpora). Reference counting still frees
    everything that is not a cycle; the page's tree itself is collected once the collector is back on.
    Thread-safe in effect: whoever found the collector on turns it back on, so it never stays off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
