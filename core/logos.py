"""Which logo files are accepted: a PNG that really is one, or an SVG that can never run script.

The logo is served from our own origin (core.views.ProgrammeLogoView). An SVG
opened directly in a browser is a document: a script in it, an event-handler
attribute, an HTML island in a <foreignObject> or a link to elsewhere would run
with our cookies. So an SVG is parsed (the standard library's expat, with no
DOCTYPE and hence no entities or external DTDs) and refused when it holds any of
those; what passes is served as it was uploaded, with a Content-Security-Policy
that forbids scripts anyway. A PNG is opened with Pillow and must be a PNG
within the size limits. The file's name says which of the two it claims to be.
"""

import io
import re
import xml.parsers.expat
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4000  # per side: a letterhead needs a few hundred

PNG = "image/png"
SVG = "image/svg+xml"

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
# Editors' metadata, ignored by browsers: Inkscape, Sodipodi, RDF and Dublin Core, Creative Commons.
METADATA_NAMESPACES = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
}
# Elements that run script, embed other documents or change attributes (e.g. a link) later.
FORBIDDEN_ELEMENTS = {
    "script",
    "foreignObject",
    "handler",
    "listener",
    "iframe",
    "embed",
    "object",
    "set",
    "animate",
    "animateMotion",
    "animateTransform",
    "animateColor",
}
# An image embedded in the logo itself may be a raster data: URI; nothing else.
EMBEDDED_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
URL_FUNCTION = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class CheckedLogo:
    data: bytes
    content_type: str


class _Refused(Exception):
    pass


def logo_checked(*, name: str, data: bytes) -> CheckedLogo:
    """`data` as a logo named `name`, or ValidationError saying what is wrong with it."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            _("The logo may be at most %(size)s kB.") % {"size": MAX_LOGO_BYTES // 1024},
            code="too_big",
        )
    suffix = PurePath(name or "").suffix.lower()
    if suffix == ".png":
        _png_check(data)
        return CheckedLogo(data, PNG)
    if suffix == ".svg":
        _svg_check(data)
        return CheckedLogo(data, SVG)
    raise ValidationError(_("Upload the logo as an SVG or PNG file."), code="type")


def _png_check(data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a PNG image. Save the logo as PNG or SVG and try again."),
            code="not_png",
        ) from None
    if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
        raise ValidationError(
            _("The logo may be at most %(pixels)s pixels wide and high.")
            % {"pixels": MAX_LOGO_PIXELS},
            code="too_large",
        )


def _local_name(name: str) -> tuple[str, str]:
    """An expat name "namespace local" split into (namespace, local)."""
    namespace, _sep, local = name.rpartition(" ")
    return namespace, local


def _url_problem(text: str) -> bool:
    """True when a style or attribute value points outside the document (url(...) not #fragment)."""
    lowered = text.lower()
    if "javascript:" in lowered or "@import" in lowered or "expression(" in lowered:
        return True
    return any(not target.strip().startswith("#") for _q, target in URL_FUNCTION.findall(text))


def _svg_check(data: bytes) -> None:
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True  # a style's text in one piece, so "url(" is never split
    stack: list[str] = []
    seen_root = False

    def refuse(message: str):
        raise _Refused(message)

    def start_doctype(*args):
        refuse(_("The SVG declares a DOCTYPE; save it again without one."))

    def entity(*args):
        refuse(_("The SVG declares entities; save it again without them."))

    def processing_instruction(target, data):
        refuse(_("The SVG holds processing instructions (e.g. a stylesheet link)."))

    def start_element(name, attributes):
        nonlocal seen_root
        namespace, local = _local_name(name)
        if not seen_root:
            seen_root = True
            if namespace != SVG_NAMESPACE or local != "svg":
                refuse(_("This file is not an SVG image."))
        if namespace not in {SVG_NAMESPACE, *METADATA_NAMESPACES}:
            refuse(_("The SVG holds elements that are not SVG (%(name)s).") % {"name": local})
        if namespace == SVG_NAMESPACE and local in FORBIDDEN_ELEMENTS:
            refuse(
                _("The SVG holds a <%(name)s> element, which a logo may not have.")
                % {"name": local}
            )
        for attribute, value in attributes.items():
            attr_namespace, attr_local = _local_name(attribute)
            if attr_local.lower().startswith("on"):
                refuse(
                    _("The SVG holds an event handler (%(name)s), which could run script.")
                    % {"name": attr_local}
                )
            if attr_local == "href" and attr_namespace in {"", XLINK_NAMESPACE}:
                target = value.strip()
                embedded = local == "image" and EMBEDDED_IMAGE.match(target)
                if not target.startswith("#") and not embedded:
                    refuse(
                        _("The SVG links to something outside itself (%(href)s).")
                        % {"href": target[:80]}
                    )
            if _url_problem(value):
                refuse(
                    _("The SVG refers to something outside itself in %(name)s.")
                    % {"name": attr_local}
                )
        stack.append(local)

    def end_element(name):
        stack.pop()

    def character_data(text):
        if stack and stack[-1] == "style" and _url_problem(text):
            refuse(_("The SVG's styles refer to something outside the file."))

    parser.StartDoctypeDeclHandler = start_doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = entity
    parser.ProcessingInstructionHandler = processing_instruction
    parser.StartElementHandler = start_element
    parser.EndElementHandler = end_element
    parser.CharacterDataHandler = character_data
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise ValidationError(str(refused), code="unsafe_svg") from None
    except xml.parsers.expat.ExpatError:
        raise ValidationError(
            _("This file is not an SVG image (it is not well-formed XML)."), code="not_svg"
        ) from None
    if not seen_root:
        raise ValidationError(_("This file is not an SVG image."), code="not_svg")
