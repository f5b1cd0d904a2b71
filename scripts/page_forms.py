"""A page's forms as a browser would send them: the tiny form helper of scripts/loadtest.py."""

from html.parser import HTMLParser


class PageForms(HTMLParser):
    """The page's POST forms as (action, [[name, value], …]) with what a browser sends
    untouched: hidden and text inputs, ticked boxes, textareas, a select's chosen (or else
    first) option. Buttons and file inputs are left out, and so is anything in <template>."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[list]]] = []
        self._fields = self._textarea = self._select = None
        self._in_template = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._in_template += tag == "template"
        if self._in_template or (self._fields is None and tag != "form"):
            return
        name, kind = a.get("name"), (a.get("type") or "text").lower()
        if tag == "form":
            is_post = (a.get("method") or "").lower() == "post"
            self._fields = [] if is_post else None
            if is_post:
                self.forms.append((a.get("action") or "", self._fields))
        elif tag == "input" and name and kind not in {"submit", "button", "image", "reset", "file"}:
            if kind not in {"checkbox", "radio"}:
                self._fields.append([name, a.get("value", "")])
            elif "checked" in a:
                self._fields.append([name, a.get("value", "on")])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self._fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = [name, None]
            self._fields.append(self._select)
        elif tag == "option" and self._select and (self._select[1] is None or "selected" in a):
            self._select[1] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template -= 1
        elif tag == "form":
            self._fields = None
        elif tag in ("textarea", "select"):
            self._textarea = self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def form_data(html: str, values: dict, *, action: str = "", with_field: str = "") -> list:
    """The page's own POST form with `values` typed over it, as (name, value) pairs: the form
    posting back to the page (no action, or `action`), or the one with a field `with_field`.
    (The navigation's language and logout forms post elsewhere.)"""
    for form_action, fields in PageForms(html).forms:
        names = {name for name, _ in fields}
        if with_field in names if with_field else form_action in ("", action):
            data = [(name, values.get(name, value)) for name, value in fields if value is not None]
            return data + [(name, value) for name, value in values.items() if name not in names]
    raise LookupError(f"no POST form for {with_field or action!r} on the page")
