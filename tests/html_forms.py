"""What a browser submits from an HTML form nobody touched, read from the page as the HTML standard says.

The "constructing the entry list" steps of the standard, for the controls Django renders: disabled
controls are left out, checkboxes and radios only when checked, a select without a selected option
sends its first option, a textarea drops the newline after its start tag, an untouched file input
sends nothing Django keeps (an empty file name), and every line break goes out as CRLF.
"""

import re
from html.parser import HTMLParser

BUTTON_TYPES = {"submit", "image", "reset", "button"}
ONE_LINE_TYPES = {"text", "search", "tel", "password", "url", "email"}  # their values lose line breaks
TRIMMED_TYPES = {"url", "email"}  # and these lose surrounding white space
FLOAT = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?")


def crlf(text):
    """Line breaks as a browser sends them."""
    return re.sub(r"\r\n|\r|\n", "\r\n", text)


def input_value(kind, value):
    """The value of an untouched <input type=kind value=value>, after the standard's sanitization."""
    if kind in ONE_LINE_TYPES:
        value = value.replace("\r", "").replace("\n", "")
    if kind in TRIMMED_TYPES:
        value = value.strip(" \t\n\f\r")
    if kind == "number" and not FLOAT.fullmatch(value):
        value = ""
    return value


class FormReader(HTMLParser):
    """Reads the form with id `form_id`: `data` is {name: [values]}, `submitters` {name: value}."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.enctype = "application/x-www-form-urlencoded"
        self.data, self.submitters = {}, {}
        self.disabled_fieldsets = []  # True/False per open <fieldset>
        self.textarea = self.select = self.option = None

    def owned(self, attrs):
        """True if the control belongs to the form and is not disabled."""
        form = attrs.get("form")
        in_form = form == self.form_id if form is not None else self.in_form
        return in_form and "disabled" not in attrs and not any(self.disabled_fieldsets)

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attr_list):
        attrs = {name: "" if value is None else value for name, value in attr_list}
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
            if self.in_form:
                self.enctype = attrs.get("enctype", self.enctype)
        elif tag == "fieldset":
            self.disabled_fieldsets.append("disabled" in attrs)
        elif tag == "input":
            self.read_input(attrs)
        elif tag == "textarea" and attrs.get("name") and self.owned(attrs):
            self.textarea = [attrs["name"], ""]
        elif tag == "select" and attrs.get("name") and self.owned(attrs):
            self.select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.close_option()
            self.option = {
                "value": attrs.get("value"),
                "text": "",
                "selected": "selected" in attrs,
                "disabled": "disabled" in attrs,
            }

    def read_input(self, attrs):
        name, kind = attrs.get("name"), attrs.get("type", "text").lower()
        if not name or not self.owned(attrs):
            return
        if kind in BUTTON_TYPES:
            self.submitters[name] = attrs.get("value", "")
        elif kind in ("checkbox", "radio"):
            if "checked" in attrs:
                self.add(name, attrs.get("value", "on"))
        elif kind != "file":  # an untouched file input sends a part with an empty file name: dropped
            self.add(name, input_value(kind, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        elif self.option is not None:
            self.option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "fieldset" and self.disabled_fieldsets:
            self.disabled_fieldsets.pop()
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.add(name, text.removeprefix("\r\n").removeprefix("\n"))
            self.textarea = None
        elif tag == "option":
            self.close_option()
        elif tag == "select" and self.select is not None:
            self.close_option()
            self.close_select()

    def close_option(self):
        if self.option is not None:
            option = self.option
            if option["value"] is None:
                option["value"] = " ".join(option["text"].split())
            self.select["options"].append(option)
            self.option = None

    def close_select(self):
        select, self.select = self.select, None
        options = [option for option in select["options"] if not option["disabled"]]
        chosen = [option for option in select["options"] if option["selected"]]
        if not select["multiple"]:
            # Only the last selected option stays selected; with none, the first enabled one is.
            chosen = chosen[-1:] or options[:1]
        for option in chosen:
            if not option["disabled"]:
                self.add(select["name"], option["value"])

    def entries(self, submitter=None):
        """The submitted data, line breaks as CRLF, with the button `submitter` if it is there."""
        data = {crlf(name): [crlf(value) for value in values] for name, values in self.data.items()}
        if submitter in self.submitters:
            data[submitter] = [self.submitters[submitter]]
        return data


def read_form(html, form_id):
    reader = FormReader(form_id)
    reader.feed(html)
    reader.close()
    return reader


def admin_change_url(obj):
    opts = obj._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"


def admin_form_data(client, obj):
    """GET the admin change page of `obj` and return what its form would post, untouched."""
    response = client.get(admin_change_url(obj))
    assert response.status_code == 200
    return read_form(response.content.decode(), f"{obj._meta.model_name}_form").entries(submitter="_save")


def admin_form_post(client, obj, data, **changes):
    """Post the change form of `obj` with `data`, fields in `changes` typed over."""
    return client.post(admin_change_url(obj), data | changes)
