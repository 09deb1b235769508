"""Parsing untrusted XML: defusedxml refuses entity expansion, external entities and DTD tricks."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from newsingest.errors import PermanentError

_ENTITY_MARKERS = (b"<!ENTITY", b"<!entity")


class XMLRefused(PermanentError, ValueError):
    """The document uses XML features we refuse (entities, external references)."""


class XMLInvalid(PermanentError, ValueError):
    """The document is not well-formed XML."""


def parse_xml(data: bytes) -> ET.Element:
    """Parse ``data`` safely; raises XMLRefused for XML attacks and XMLInvalid for garbage."""
    if any(marker in data for marker in _ENTITY_MARKERS):
        raise XMLRefused("document declares XML entities")
    try:
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise XMLRefused(f"{type(exc).__name__}: {exc}") from exc
    except (ET.ParseError, ValueError) as exc:
        raise XMLInvalid(str(exc)) from exc


def check_xml_safe(data: bytes) -> bool:
    """Raise XMLRefused if ``data`` is XML that uses refused features; returns whether it is well-formed."""
    try:
        parse_xml(data)
    except XMLInvalid:
        return False
    return True


def local(tag: object) -> str:
    """Tag name without its namespace."""
    name = tag if isinstance(tag, str) else ""
    return name.rsplit("}", 1)[-1]


def namespace(tag: object) -> str:
    name = tag if isinstance(tag, str) else ""
    return name[1:].split("}", 1)[0] if name.startswith("{") else ""
