#!/usr/bin/env python3
"""Writes docs/api-reference.md from the router's OpenAPI document.

    python3 scripts/docs/api_reference.py            # (re)write docs/api-reference.md
    python3 scripts/docs/api_reference.py --check    # exit 1 when docs/api-reference.md is stale

One section per tag (in the document's tag order), one table per operation (auth, summary,
parameters, request body fields, responses), then the shared schemas. Standard library only;
the output depends on the document alone, so running it twice gives the same file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "Sources/Router/Resources/openapi.json"
OUT = ROOT / "docs/api-reference.md"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def anchor(name: str) -> str:
    return "schema-" + name.lower()


class Renderer:
    def __init__(self, doc: dict):
        self.doc = doc
        self.components = doc.get("components", {})
        self.schemes = self.components.get("securitySchemes", {})

    # ---------------------------------------------------------------- references

    def resolve(self, node):
        """Follows `$ref`s inside the document."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 32:
            target = self.doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
            seen += 1
        return node

    @staticmethod
    def ref_name(node) -> str | None:
        if isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/components/schemas/"):
            return node["$ref"].rsplit("/", 1)[1]
        return None

    # ---------------------------------------------------------------- schemas

    def type_of(self, schema) -> str:
        """A short description of a schema's type, with links to named schemas."""
        if schema is True or schema == {}:
            return "any"
        if schema is False:
            return "nothing"
        name = self.ref_name(schema)
        if name:
            return f"[{name}](#{anchor(name)})"
        if not isinstance(schema, dict):
            return "any"
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return " or ".join(self.type_of(s) for s in schema[key])
        if "const" in schema:
            return f"`{json.dumps(schema['const'])}`"
        if "enum" in schema:
            return " | ".join(f"`{json.dumps(v)}`" for v in schema["enum"])
        types = schema.get("type")
        if types is None:
            return "any"
        types = types if isinstance(types, list) else [types]
        parts = []
        for t in types:
            if t == "array":
                parts.append("array of " + self.type_of(schema.get("items", {})))
            elif t == "object" and isinstance(schema.get("additionalProperties"), dict) and "properties" not in schema:
                parts.append("map of " + self.type_of(schema["additionalProperties"]))
            elif t == "string" and schema.get("format"):
                parts.append(f"string ({schema['format']})")
            else:
                parts.append(t)
        return " or ".join(parts)

    @staticmethod
    def constraints(schema) -> str:
        if not isinstance(schema, dict):
            return ""
        notes = []
        for key, label in (("minimum", "≥"), ("maximum", "≤")):
            if key in schema:
                notes.append(f"{label} {schema[key]}")
        for key, label in (("minLength", "length ≥"), ("maxLength", "length ≤"), ("minItems", "items ≥"), ("maxItems", "items ≤")):
            if key in schema:
                notes.append(f"{label} {schema[key]}")
        if "pattern" in schema:
            notes.append(f"pattern `{schema['pattern']}`")
        return "; ".join(notes)

    def fields(self, schema) -> list[tuple[str, str, bool, str]]:
        """(name, type, required, description) for each property of an object schema."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return []
        required = set(schema.get("required", []))
        rows = []
        for name, prop in schema.get("properties", {}).items():
            resolved = self.resolve(prop) if not self.ref_name(prop) else {}
            description = resolved.get("description", "") if isinstance(resolved, dict) else ""
            extra = self.constraints(prop)
            if extra:
                description = f"{description} ({extra})" if description else extra
            rows.append((name, self.type_of(prop), name in required, description))
        return rows

    def field_list(self, schema) -> str:
        """The fields of a request body, inline."""
        rows = self.fields(schema)
        parts = []
        for name, kind, required, description in rows:
            text = f"`{name}` ({kind}{', required' if required else ''})"
            if description:
                text += f": {description}"
            parts.append(text)
        resolved = self.resolve(schema)
        if isinstance(resolved, dict) and resolved.get("additionalProperties") is True:
            parts.append("other members allowed")
        return "<br>".join(cell(p) for p in parts)

    # ---------------------------------------------------------------- operations

    def auth(self, operation) -> str:
        security = operation.get("security", self.doc.get("security", []))
        if not security:
            return "none"
        options = []
        for requirement in security:
            names = sorted(requirement)
            options.append(" and ".join(self.scheme_label(n) for n in names) if names else "none")
        return " or ".join(options)

    def scheme_label(self, name: str) -> str:
        scheme = self.schemes.get(name, {})
        if scheme.get("type") == "http":
            return f"[{name}](#authentication) (`Authorization: {scheme.get('scheme', '').capitalize()}`)"
        if scheme.get("type") == "apiKey":
            where = scheme.get("in")
            label = f"`{scheme.get('name')}` {where}" if where != "cookie" else f"`{scheme.get('name')}` cookie"
            return f"[{name}](#authentication) ({label})"
        return f"[{name}](#authentication)"

    def parameters(self, path_item, operation) -> str:
        params = [self.resolve(p) for p in path_item.get("parameters", [])]
        names = {(p["name"], p["in"]) for p in params}
        for p in operation.get("parameters", []):
            p = self.resolve(p)
            if (p["name"], p["in"]) in names:
                params = [q for q in params if (q["name"], q["in"]) != (p["name"], p["in"])]
            params.append(p)
        parts = []
        for p in params:
            kind = self.type_of(p.get("schema", {}))
            extra = self.constraints(p.get("schema", {}))
            text = f"`{p['name']}` ({p['in']}, {kind}{', required' if p.get('required') else ''}"
            text += f"; {extra})" if extra else ")"
            if p.get("description"):
                text += f": {p['description']}"
            parts.append(cell(text))
        return "<br>".join(parts)

    def request_body(self, operation) -> str:
        body = operation.get("requestBody")
        if not body:
            return ""
        body = self.resolve(body)
        parts = []
        for media, content in body.get("content", {}).items():
            schema = content.get("schema", {})
            name = self.ref_name(schema)
            head = f"`{media}`" + (f" [{name}](#{anchor(name)})" if name else "")
            fields = self.field_list(schema)
            parts.append(head + (":<br>" + fields if fields else ""))
        return "<br>".join(parts)

    def responses(self, operation) -> str:
        parts = []
        for status, response in operation.get("responses", {}).items():
            response = self.resolve(response)
            content = response.get("content", {})
            media = ", ".join(f"`{m}` {self.type_of(c.get('schema', {}))}".rstrip() for m, c in content.items())
            text = f"**{status}**" + (f" {media}" if media else "") + f": {response.get('description', '')}"
            headers = [h for h, spec in response.get("headers", {}).items() if self.resolve(spec).get("required")]
            if headers:
                text += " Headers: " + ", ".join(f"`{h}`" for h in headers) + "."
            parts.append(cell(text))
        return "<br>".join(parts)

    def operation_table(self, path, method, path_item, operation) -> list[str]:
        lines = [f"### `{method.upper()} {path}`", ""]
        rows = [("Auth", self.auth(operation)), ("Summary", cell(operation.get("summary", "")))]
        if operation.get("description"):
            rows.append(("Details", cell(operation["description"])))
        params = self.parameters(path_item, operation)
        if params:
            rows.append(("Parameters", params))
        body = self.request_body(operation)
        if body:
            rows.append(("Request body", body))
        rows.append(("Responses", self.responses(operation)))
        lines += ["| | |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in rows]
        lines.append("")
        return lines

    # ---------------------------------------------------------------- document

    def render(self) -> str:
        info = self.doc.get("info", {})
        lines = [
            f"# {info.get('title', 'API')} API reference",
            "",
            "<!-- Generated by scripts/docs/api_reference.py from Sources/Router/Resources/openapi.json; do not edit by hand. -->",
            "",
            f"OpenAPI {self.doc.get('openapi')}, document version {info.get('version')}. "
            "The machine-readable document is `Sources/Router/Resources/openapi.json` (served at `GET /openapi.json`).",
            "",
        ]
        if info.get("description"):
            lines += [info["description"], ""]

        lines += ["## Authentication", "", "| Scheme | Kind | Description |", "|---|---|---|"]
        for name, scheme in self.schemes.items():
            if scheme.get("type") == "http":
                kind = f"`Authorization: {scheme.get('scheme', '').capitalize()} …`"
            elif scheme.get("type") == "apiKey":
                kind = f"`{scheme.get('name')}` ({scheme.get('in')})"
            else:
                kind = scheme.get("type", "")
            lines.append(f"| `{name}` | {kind} | {cell(scheme.get('description', ''))} |")
        lines.append("")

        operations: dict[str, list[tuple[str, str, dict, dict]]] = {}
        for path, item in self.doc.get("paths", {}).items():
            for method in METHODS:
                if method in item:
                    tag = (item[method].get("tags") or ["Other"])[0]
                    operations.setdefault(tag, []).append((path, method, item, item[method]))
        tags = [t["name"] for t in self.doc.get("tags", [])]
        tags += sorted(t for t in operations if t not in tags)
        descriptions = {t["name"]: t.get("description", "") for t in self.doc.get("tags", [])}

        lines += ["## Contents", ""]
        for tag in tags:
            if tag in operations:
                lines.append(f"- {tag}: " + ", ".join(f"`{m.upper()} {p}`" for p, m, _, _ in operations[tag]))
        lines += ["- [Schemas](#schemas)", ""]

        for tag in tags:
            if tag not in operations:
                continue
            lines += [f"## {tag}", ""]
            if descriptions.get(tag):
                lines += [descriptions[tag], ""]
            for path, method, item, operation in operations[tag]:
                lines += self.operation_table(path, method, item, operation)

        lines += ["## Schemas", ""]
        for name, schema in self.components.get("schemas", {}).items():
            lines += [f'<a id="{anchor(name)}"></a>', "", f"### {name}", ""]
            if isinstance(schema, dict) and schema.get("description"):
                lines += [" ".join(schema["description"].split()), ""]
            rows = self.fields(schema)
            if rows:
                lines += ["| Field | Type | Required | Description |", "|---|---|---|---|"]
                for field, kind, required, description in rows:
                    lines.append(f"| `{field}` | {cell(kind)} | {'yes' if required else 'no'} | {cell(description)} |")
                extra = schema.get("additionalProperties")
                lines.append("")
                lines.append("Other members: " + ("allowed." if extra is True or extra is None else "none."))
            else:
                lines.append(f"Type: {self.type_of(schema)}.")
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the output file is not up to date")
    parser.add_argument("--spec", type=Path, default=SPEC, help=f"the OpenAPI document (default: {SPEC.relative_to(ROOT)})")
    parser.add_argument("--out", type=Path, default=OUT, help=f"the Markdown file (default: {OUT.relative_to(ROOT)})")
    args = parser.parse_args()

    with open(args.spec, encoding="utf-8") as f:
        text = Renderer(json.load(f)).render()
    current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
    if args.check:
        if current != text:
            print(f"{args.out} is stale: run python3 scripts/docs/api_reference.py", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    if current != text:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(f"{args.out} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
