"""The browsable docs page of the HTTP API (``GET /docs``): the OpenAPI document rendered as one
HTML page, every route with its parameters, body and responses, every schema with its fields'
Chinese titles. It loads nothing from the network (no CDN): government intranets often have none.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

_environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_template = _environment.from_string(
    (resources.files("gongkai.service") / "templates" / "docs.html").read_text(encoding="utf-8")
)


def docs_page(document: dict[str, Any], openapi_url: str = "/openapi.json") -> str:
    operations = []
    for path, methods in document.get("paths", {}).items():
        for method, op in methods.items():
            operations.append(
                {
                    "anchor": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    "method": method,
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "security": op.get("security"),
                    "parameters": op.get("parameters", []),
                    "body": op.get("requestBody"),
                    "responses": sorted(op.get("responses", {}).items()),
                }
            )
    schemas = sorted(document.get("components", {}).get("schemas", {}).items())
    return _template.render(doc=document, operations=operations, schemas=schemas, kind=kind, openapi_url=openapi_url)


def kind(schema: dict[str, Any] | None) -> Markup:
    """A schema in a few words, references linked to their schema on the page."""
    if not schema:
        return Markup("")
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return Markup('<a href="#schema-{0}"><code>{0}</code></a>').format(name)
    for combined, word in (("anyOf", " | "), ("oneOf", " | "), ("allOf", " & ")):
        if combined in schema:
            return Markup(word).join(kind(s) for s in schema[combined])
    if schema.get("type") == "array":
        return Markup("[{}]").format(kind(schema.get("items")))
    text = str(schema.get("type", "any"))
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text = " | ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        text = str(schema["const"])
    return escape(text)
