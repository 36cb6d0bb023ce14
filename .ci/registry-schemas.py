#!/usr/bin/env python3
"""Writes src/checks/registry/schemas.rs: the CloudFormation registry schemas (as cfn-lint ships
them) of every resource type tributary emits, reduced to what the synth-time validator checks.

For each type of the `ResourceType` enum (src/core/cfn/resource_type.rs; a type without a schema
is an error) the generator keeps the property tree with `type`, `enum`/`const`, `minLength`/
`maxLength`, `pattern`, `minimum`/`maximum`, `minItems`/`maxItems`, `uniqueItems`, `required`,
`additionalProperties: false`, `patternProperties`, the top-level `readOnlyProperties`, and the
`anyOf`/`oneOf` (and cfn-lint's `requiredOr`/`requiredXor`) whose branches only require
properties. Definitions stay named (one `static` each, reached by `$ref`, so recursion costs
nothing). Every other constraint is dropped, and listed at the top of the file. A keyword the
generator does not know fails the run, so a cfn-lint update that brings one is seen.

The output is Rust statics, not JSON: nothing is parsed at run time (the warm synth of the example
budgets 5 ms in all). It is deterministic: sorted names (a node's properties by length, then name,
for the validator's binary search), one definition per `static`, names that do not move when others
are added.

It also writes src/core/cfn/tagging.rs: for each of those types, whether it takes tags, in which
property and in which shape (a list of `{Key, Value}` or a map of string to string), read from
the schema's `tagging` metadata and the tag property's own schema, for the synth pass that
puts the app's, stacks' and constructs' tags on every resource. A taggable type whose tag
property has another shape fails the run.

Usage (with the interpreter cfn-lint is installed in, e.g. .ci/.venv/bin/python):
    registry-schemas.py            write the file
    registry-schemas.py --check    exit 1, with a diff, when the file is not what it would write
The schemas are read from $TRIBUTARY_CFN_LINT_SCHEMAS, else from the installed cfnlint package.
"""

import argparse
import difflib
import hashlib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESOURCE_TYPES = os.path.join(ROOT, "src", "core", "cfn", "resource_type.rs")
OUTPUT = os.path.join(ROOT, "src", "checks", "registry", "schemas.rs")
TAGGING = os.path.join(ROOT, "src", "core", "cfn", "tagging.rs")
REGION = "us-east-1"

# Keywords that carry nothing the validator checks (documentation, CloudFormation handler
# metadata, formats cfn-lint checks by name).
IGNORED = {
    "$comment",
    "$schema",
    "additionalIdentifiers",
    "arrayType",
    "conditionalCreateOnlyProperties",
    "createOnlyProperties",
    "default",
    "deprecatedProperties",
    "description",
    "examples",
    "format",
    "handlers",
    "insertionOrder",
    "primaryIdentifier",
    "propertyTransform",
    "relationshipRef",
    "replacementStrategy",
    "sourceUrl",
    "taggable",
    "tagging",
    "title",
    "typeName",
    "writeOnlyProperties",
}
# Constraints the validator does not check: dropped, and listed in the output.
DROPPED = {
    "allOf",
    "contains",
    "dependencies",
    "dependentExcluded",
    "dependentRequired",
    "else",
    "if",
    "maxProperties",
    "maxUniqueItems",
    "minProperties",
    "not",
    "prefixItems",
    "propertyNames",
    "then",
    "uniqueKeys",
}
TYPES = ["string", "integer", "number", "boolean", "object", "array"]


class Failure(Exception):
    pass


def resource_types():
    """The CloudFormation names of the `ResourceType` variants."""
    return sorted(set(resource_variants().values()))


def resource_variants():
    """`ResourceType` variant -> CloudFormation name, from `Self::Variant => "AWS::..."`."""
    with open(RESOURCE_TYPES, encoding="utf-8") as f:
        text = f.read()
    found = dict(re.findall(r'Self::([A-Za-z0-9]+) => "(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)"', text))
    if not found:
        raise Failure(f"no resource types found in {RESOURCE_TYPES}")
    return found


def schemas_dir():
    configured = os.environ.get("TRIBUTARY_CFN_LINT_SCHEMAS")
    if configured:
        return configured
    import cfnlint

    return os.path.join(os.path.dirname(cfnlint.__file__), "data", "schemas")


def cfn_lint_version():
    import cfnlint.version

    return cfnlint.version.__version__


def screaming(name):
    """`AWS::Lambda::Function` -> `LAMBDA_FUNCTION`, `KMSKeyArn` -> `KMS_KEY_ARN`."""
    name = name.replace("AWS::", "").replace("::", "_")
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"[^A-Za-z0-9]+", "_", name)
    return name.upper().strip("_")


def rust_str(s):
    """A Rust string literal: raw when that reads better, escaped otherwise."""
    if '"#' not in s and ("\\" in s or '"' in s) and s.isprintable():
        return 'r#"' + s + '"#'
    out = []
    for c in s:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c.isprintable() and c != "\t":
            out.append(c)
        else:
            out.append("\\u{%x}" % ord(c))
    return '"' + "".join(out) + '"'


def rust_number(x):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise Failure(f"not a number: {x!r}")
    if float(x).is_integer():
        return f"{int(x)}.0"
    return repr(float(x))


def property_order(name):
    """The order of a node's properties: by length in bytes, then by name."""
    return (len(name.encode("utf-8")), name.encode("utf-8"))


class Ref:
    """A `$ref` to a definition of the schema being reduced."""

    def __init__(self, name):
        self.name = name


class Reducer:
    def __init__(self, type_name, schema):
        self.type_name = type_name
        self.schema = schema
        self.definitions = schema.get("definitions", {})
        self.wanted = []  # definition names, in the order first referenced
        self.dropped = []  # (json path, keyword, why)
        self.patterns = set()

    def ref(self, target, path):
        prefix = "#/definitions/"
        if not target.startswith(prefix):
            raise Failure(f"{self.type_name} {path}: $ref {target!r} is not a definition")
        name = target[len(prefix):]
        if name not in self.definitions:
            raise Failure(f"{self.type_name} {path}: $ref to missing definition {name!r}")
        if name not in self.wanted:
            self.wanted.append(name)
        return Ref(name)

    def drop(self, path, keyword, why):
        self.dropped.append((path, keyword, why))

    def alternatives(self, branches, exactly_one):
        """`anyOf`/`oneOf` whose branches only require properties, as groups; else None."""
        groups = []
        for b in branches:
            rest = {k for k in b if k not in IGNORED}
            if rest != {"required"}:
                return None
            groups.append(sorted(b["required"]))
        return {"exactly_one": exactly_one, "groups": groups}

    def node(self, n, path, root=False):
        """The reduced node of schema `n` (a `Ref` when it is a bare `$ref`)."""
        if not isinstance(n, dict):
            raise Failure(f"{self.type_name} {path}: a schema that is not an object")
        out = {}
        ref = None
        for key, value in n.items():
            where = f"{path}/{key}"
            if key in IGNORED or (root and key in ("definitions", "readOnlyProperties")):
                continue
            if key == "$ref":
                ref = self.ref(value, where)
            elif key == "type":
                types = value if isinstance(value, list) else [value]
                unknown = [t for t in types if t not in TYPES]
                if unknown:
                    raise Failure(f"{self.type_name} {where}: unknown type {unknown}")
                out["types"] = sorted(set(types), key=TYPES.index)
            elif key in ("enum", "const"):
                values = value if key == "enum" else [value]
                if all(isinstance(v, str) for v in values):
                    out["enum_strs"] = values
                elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                    out["enum_ints"] = values
                else:
                    self.drop(where, key, "values of mixed types")
            elif key in ("minLength", "maxLength", "minItems", "maxItems"):
                if not isinstance(value, int) or value < 0:
                    raise Failure(f"{self.type_name} {where}: {value!r}")
                out[key] = value
            elif key in ("minimum", "maximum"):
                rust_number(value)
                out[key] = value
            elif key == "pattern":
                self.patterns.add(value)
                out["pattern"] = value
            elif key == "items":
                if isinstance(value, list):
                    self.drop(where, key, "a tuple of item schemas")
                else:
                    out["items"] = self.node(value, where)
            elif key == "properties":
                # By length, then name: the validator's binary search compares lengths first.
                out["properties"] = {
                    name: self.node(p, f"{where}/{name}")
                    for name, p in sorted(value.items(), key=lambda kv: property_order(kv[0]))
                }
            elif key == "patternProperties":
                for pattern in value:
                    self.patterns.add(pattern)
                out["patternProperties"] = {
                    pattern: self.node(p, f"{where}/{pattern}")
                    for pattern, p in sorted(value.items())
                }
            elif key == "additionalProperties":
                if value is False:
                    out["closed"] = True
                elif value is not True:
                    self.drop(where, key, "a schema for the other properties")
            elif key == "uniqueItems":
                if value:
                    out["unique_items"] = True
            elif key == "required":
                out["required"] = sorted(value)
            elif key in ("anyOf", "oneOf"):
                alt = self.alternatives(value, key == "oneOf")
                if alt is None:
                    self.drop(where, key, "branches that are not only `required`")
                else:
                    out.setdefault("alternatives", []).append(alt)
            elif key in ("requiredOr", "requiredXor"):
                groups = [[name] for name in value]
                out.setdefault("alternatives", []).append(
                    {"exactly_one": key == "requiredXor", "groups": groups}
                )
            elif key in DROPPED:
                self.drop(where, key, "not checked")
            else:
                raise Failure(
                    f"{self.type_name} {where}: keyword {key!r} is unknown to the generator; "
                    "decide whether the validator checks it, ignores it or drops it"
                )
        if root:
            out.setdefault("types", ["object"])
            read_only = []
            for pointer in self.schema.get("readOnlyProperties", []):
                parts = pointer.split("/")
                if len(parts) == 3 and parts[1] == "properties":
                    read_only.append(parts[2])
                else:
                    self.drop(f"/readOnlyProperties {pointer}", "readOnlyProperties", "nested")
            if read_only:
                out["read_only"] = sorted(read_only)
        if ref is not None:
            if not out:
                return ref
            out["also"] = ref
        return out


class Writer:
    def __init__(self):
        self.names = {}  # static name -> what it is, to refuse collisions

    def claim(self, name, what):
        if name in self.names and self.names[name] != what:
            raise Failure(f"static name {name} is both {self.names[name]} and {what}")
        self.names[name] = what
        return name

    @staticmethod
    def pattern_name(pattern):
        return "P_" + hashlib.sha256(pattern.encode("utf-8")).hexdigest()[:12].upper()

    def expr(self, n, prefix, indent):
        """The Rust expression of a reduced node (a `&'static Node`)."""
        if isinstance(n, Ref):
            return "&" + prefix + "__" + screaming(n.name)
        return "&" + self.literal(n, prefix, indent)

    def literal(self, n, prefix, indent):
        pad = "    " * (indent + 1)
        fields = []
        if "types" in n:
            fields.append("types: " + " | ".join(t.upper() for t in n["types"]))
        if "enum_strs" in n:
            fields.append(
                "enumeration: Enumeration::Strs(&["
                + ", ".join(rust_str(v) for v in n["enum_strs"])
                + "])"
            )
        if "enum_ints" in n:
            fields.append(
                "enumeration: Enumeration::Ints(&["
                + ", ".join(str(v) for v in n["enum_ints"])
                + "])"
            )
        for key, field in (
            ("minLength", "min_length"),
            ("maxLength", "max_length"),
            ("minItems", "min_items"),
            ("maxItems", "max_items"),
        ):
            if key in n:
                fields.append(f"{field}: Some({n[key]})")
        for key in ("minimum", "maximum"):
            if key in n:
                fields.append(f"{key}: Some({rust_number(n[key])})")
        if "pattern" in n:
            fields.append(f"pattern: Some(&{self.pattern_name(n['pattern'])})")
        if n.get("unique_items"):
            fields.append("unique_items: true")
        if n.get("closed"):
            fields.append("closed: true")
        if "required" in n:
            fields.append("required: &[" + ", ".join(rust_str(r) for r in n["required"]) + "]")
        if "read_only" in n:
            fields.append("read_only: &[" + ", ".join(rust_str(r) for r in n["read_only"]) + "]")
        if "alternatives" in n:
            alts = []
            for a in n["alternatives"]:
                groups = ", ".join(
                    "&[" + ", ".join(rust_str(r) for r in g) + "]" for g in a["groups"]
                )
                one = "true" if a["exactly_one"] else "false"
                alts.append(f"Alternatives {{ exactly_one: {one}, groups: &[{groups}] }}")
            fields.append("alternatives: &[" + ", ".join(alts) + "]")
        if "also" in n:
            fields.append("also: Some(" + self.expr(n["also"], prefix, indent) + ")")
        if "items" in n:
            fields.append("items: Some(" + self.expr(n["items"], prefix, indent + 1) + ")")
        nested = []
        if "properties" in n:
            lines = [
                f"{pad}    ({rust_str(name)}, {self.expr(p, prefix, indent + 2)}),"
                for name, p in n["properties"].items()
            ]
            nested.append("properties: &[\n" + "\n".join(lines) + f"\n{pad}]")
        if "patternProperties" in n:
            lines = [
                f"{pad}    (&{self.pattern_name(pat)}, {self.expr(p, prefix, indent + 2)}),"
                for pat, p in n["patternProperties"].items()
            ]
            nested.append("pattern_properties: &[\n" + "\n".join(lines) + f"\n{pad}]")
        if not nested:
            return "Node { " + ", ".join(fields + ["..Node::ANY"]) + " }"
        body = [f"{pad}{f}," for f in fields + nested] + [f"{pad}..Node::ANY"]
        return "Node {\n" + "\n".join(body) + "\n" + "    " * indent + "}"

    def render(self, version, schema_date, reduced):
        out = [
            "//! GENERATED by `.ci/registry-schemas.py` from the CloudFormation registry schemas that",
            f"//! cfn-lint {version} ships (schemas of {schema_date}, region {REGION}): do not edit.",
            "//! Refresh: `.ci/.venv/bin/python .ci/registry-schemas.py`; CI runs it with `--check`.",
            "//!",
            "//! Constraints of these schemas that the validator does not check:",
        ]
        for type_name, r in reduced:
            for path, keyword, why in sorted(set(r.dropped)):
                out.append(f"//! - {type_name} `{path}`: {keyword} ({why})")
        out += [
            "",
            "use super::model::{Alternatives, Enumeration, Node, Pattern};",
            "#[allow(unused_imports)]",
            "use super::model::{ARRAY, BOOLEAN, INTEGER, NUMBER, OBJECT, STRING};",
            "",
            "/// The cfn-lint release the schemas come from.",
            f"pub(super) const CFN_LINT_VERSION: &str = {rust_str(version)};",
            "",
            "/// The root schema of each resource type, by type name (sorted).",
            "pub(super) static RESOURCES: &[(&str, &Node)] = &[",
        ]
        for type_name, _ in reduced:
            out.append(f"    ({rust_str(type_name)}, &{self.claim(screaming(type_name), type_name)}),")
        out.append("];")
        patterns = sorted({p for _, r in reduced for p in r.patterns}, key=self.pattern_name)
        out += ["", "/// Every pattern of the schemas.", "#[cfg(test)]", "pub(super) static PATTERNS: &[&Pattern] = &["]
        out += [f"    &{self.claim(self.pattern_name(p), p)}," for p in patterns]
        out.append("];")
        for p in patterns:
            out += ["", f"static {self.pattern_name(p)}: Pattern = Pattern::new({rust_str(p)});"]
        for type_name, r in reduced:
            prefix = screaming(type_name)
            out += ["", f"// {type_name}", "", f"static {prefix}: Node = {self.literal(r.root, prefix, 0)};"]
            for name in sorted(r.wanted):
                static = self.claim(f"{prefix}__{screaming(name)}", f"{type_name} {name}")
                out += ["", f"static {static}: Node = {self.literal(r.defs[name], prefix, 0)};"]
        return "\n".join(out) + "\n"


def reduce_all(directory, types):
    with open(os.path.join(directory, "providers", f"{REGION}.json"), encoding="utf-8") as f:
        providers = json.load(f)
    reduced = []
    for type_name in types:
        if type_name not in providers:
            raise Failure(f"{type_name} (src/core/cfn/resource_type.rs) has no schema in cfn-lint")
        path = os.path.join(directory, "resources", f"{providers[type_name]}.json")
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        r = Reducer(type_name, schema)
        # Read-only properties are not reduced: setting one is an error of its own.
        top = {
            p.split("/")[2]
            for p in schema.get("readOnlyProperties", [])
            if len(p.split("/")) == 3
        }
        writable = dict(schema, properties={
            k: v for k, v in schema.get("properties", {}).items() if k not in top
        })
        r.root = r.node(writable, "", root=True)
        if isinstance(r.root, Ref):
            raise Failure(f"{type_name}: the root schema is a bare $ref")
        r.defs = {}
        i = 0
        while i < len(r.wanted):  # definitions reached from definitions join the list
            name = r.wanted[i]
            node = r.node(r.definitions[name], f"/definitions/{name}")
            r.defs[name] = {"also": node} if isinstance(node, Ref) else node
            i += 1
        reduced.append((type_name, r))
    return reduced


def load_schema(directory, providers, type_name):
    if type_name not in providers:
        raise Failure(f"{type_name} (src/core/cfn/resource_type.rs) has no schema in cfn-lint")
    path = os.path.join(directory, "resources", f"{providers[type_name]}.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def tag_shape(type_name, schema, pointer):
    """`List` or `Map`: the shape of the tag property at `pointer` (`/properties/Tags`)."""
    parts = pointer.split("/")
    if len(parts) != 3 or parts[1] != "properties":
        raise Failure(f"{type_name}: tagProperty {pointer!r} is not a top-level property")
    definitions = schema.get("definitions", {})

    def resolve(n):
        while isinstance(n, dict) and "$ref" in n:
            n = definitions[n["$ref"].split("/")[-1]]
        return n

    prop = resolve(schema.get("properties", {}).get(parts[2]))
    if not isinstance(prop, dict):
        raise Failure(f"{type_name}: tagProperty {pointer!r} has no schema")
    kind = prop.get("type")
    if kind == "object":
        values = list(prop.get("patternProperties", {}).values())
        extra = prop.get("additionalProperties")
        if isinstance(extra, dict):
            values.append(extra)
        if values and all(resolve(v).get("type") == "string" for v in values):
            return parts[2], "Map"
    elif kind == "array":
        item = resolve(prop.get("items", {}))
        props = item.get("properties", {})
        required = set(item.get("required", []))
        if (
            resolve(props.get("Key", {})).get("type") == "string"
            and resolve(props.get("Value", {})).get("type") == "string"
            and required <= {"Key", "Value"}
        ):
            return parts[2], "List"
    raise Failure(
        f"{type_name}: tag property {pointer!r} is neither a list of {{Key, Value}} nor a map of "
        "strings; teach the generator (and the tagging pass) its shape"
    )


def render_tagging(version, schema_date, directory, variants):
    with open(os.path.join(directory, "providers", f"{REGION}.json"), encoding="utf-8") as f:
        providers = json.load(f)
    out = [
        "//! GENERATED by `.ci/registry-schemas.py` from the `tagging` metadata of the CloudFormation",
        f"//! registry schemas that cfn-lint {version} ships (schemas of {schema_date}, region {REGION}):",
        "//! do not edit. Refresh: `.ci/.venv/bin/python .ci/registry-schemas.py`; CI runs it with `--check`.",
        "",
        "use super::resource_type::{ResourceType, TagShape, Tagging};",
        "",
        "impl ResourceType {",
        "    /// How resources of this type take tags (the registry schema's `tagging` and the shape of",
        "    /// its tag property), or `None` for a type that takes none.",
        "    pub const fn tagging(self) -> Option<Tagging> {",
        "        match self {",
    ]
    for variant, type_name in sorted(variants.items(), key=lambda kv: kv[1]):
        schema = load_schema(directory, providers, type_name)
        tagging = schema.get("tagging")
        if tagging is None and "taggable" in schema:
            tagging = {"taggable": schema["taggable"]}
        if not tagging or not tagging.get("taggable"):
            out.append(f"            // {type_name}: not taggable.")
            out.append(f"            Self::{variant} => None,")
            continue
        pointer = tagging.get("tagProperty", "/properties/Tags")
        prop, shape = tag_shape(type_name, schema, pointer)
        flag = lambda k: "true" if tagging.get(k, True) else "false"
        out += [
            f"            // {type_name}: {pointer}.",
            f"            Self::{variant} => Some(Tagging {{",
            f"                property: {rust_str(prop)},",
            f"                shape: TagShape::{shape},",
            f"                on_create: {flag('tagOnCreate')},",
            f"                updatable: {flag('tagUpdatable')},",
            "            }),",
        ]
    out += ["        }", "    }", "}"]
    return "\n".join(out) + "\n"


def outputs(directory):
    """(path, text) of every generated file."""
    version = cfn_lint_version()
    with open(os.path.join(directory, "version.json"), encoding="utf-8") as f:
        schema_date = json.load(f).get("schema_date", "unknown")
    reduced = reduce_all(directory, resource_types())
    return [
        (OUTPUT, Writer().render(version, schema_date, reduced), len(reduced)),
        (TAGGING, render_tagging(version, schema_date, directory, resource_variants()), len(reduced)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when the file is stale")
    args = parser.parse_args()
    directory = schemas_dir()
    try:
        files = outputs(directory)
    except Failure as e:
        print(f"registry-schemas: {e}", file=sys.stderr)
        return 2
    status = 0
    for path, text, count in files:
        rel = os.path.relpath(path, ROOT)
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    current = f.read()
            except FileNotFoundError:
                current = ""
            if current == text:
                print(f"{rel} is current (cfn-lint {cfn_lint_version()}, {count} resource types)")
                continue
            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"{rel} (checked in)",
                    f"{rel} (from cfn-lint {cfn_lint_version()})",
                )
            )
            print(
                f"\n{rel} is stale: run `.ci/.venv/bin/python .ci/registry-schemas.py` and review the diff",
                file=sys.stderr,
            )
            status = 1
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {rel} (cfn-lint {cfn_lint_version()}, {count} resource types)")
    return status


if __name__ == "__main__":
    sys.exit(main())
