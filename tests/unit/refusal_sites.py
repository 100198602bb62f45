"""Every place the services raise a refusal, found by reading their source (no import, nothing run).

A refusal is a call of `DomainError` or of a subclass (found by walking the class definitions): its code
is the `code=` keyword or its class's `code`, its English template the first argument (a string, or a
module-level string constant) or its class's `template`, its params the other keywords.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = [ROOT / "services", ROOT / "gateway"]
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
PLACEHOLDER = re.compile(r"%\(([^)]+)\)s")
NOT_PARAMS = {"code", "message", "field", "retry_after"}


@dataclass(frozen=True)
class Site:
    where: str
    code: str | None
    template: str | None
    params: frozenset[str]


def _files():
    for top in SCANNED:
        for path in sorted(top.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), str(path))


def _name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _string(node, constants: dict) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def refusal_classes(trees) -> dict[str, dict]:
    """Every DomainError subclass by name: its own or inherited `code` and `template`."""
    classes = {"DomainError": {"code": None, "template": None}}
    grew = True
    while grew:
        grew = False
        for _, tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in classes:
                    bases = [classes[_name(b)] for b in node.bases if _name(b) in classes]
                    if not bases:
                        continue
                    own = {t.id: s.value.value for s in node.body if isinstance(s, ast.Assign)
                           for t in s.targets if isinstance(t, ast.Name) and isinstance(s.value, ast.Constant)}
                    classes[node.name] = {"code": own.get("code", bases[0]["code"]),
                                          "template": own.get("template", bases[0]["template"])}
                    grew = True
    return classes


def refusal_sites() -> list[Site]:
    trees = list(_files())
    classes = refusal_classes(trees)
    every_constant: dict[str, set] = {}
    module_constants = {}
    for path, tree in trees:
        constants = {t.id: s.value.value for s in tree.body if isinstance(s, ast.Assign)
                     and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str)
                     for t in s.targets if isinstance(t, ast.Name)}
        module_constants[path] = constants
        for name, value in constants.items():
            every_constant.setdefault(name, set()).add(value)
    unique = {name: values.pop() for name, values in every_constant.items() if len(values) == 1}
    sites = []
    for path, tree in trees:
        constants = {**unique, **module_constants[path]}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node.func) not in classes:
                continue
            kind = classes[_name(node.func)]
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            code = _string(keywords["code"], constants) if "code" in keywords else kind["code"]
            if node.args:
                template = _string(node.args[0], constants)
            elif "message" in keywords:
                template = _string(keywords["message"], constants)
            else:
                template = kind["template"]
            sites.append(Site(f"{path.relative_to(ROOT)}:{node.lineno}", code, template,
                              frozenset(keywords) - NOT_PARAMS))
    return sites


def codes_and_templates() -> dict[str, set[str]]:
    """Each code the services raise, with the English template(s) raised under it."""
    found: dict[str, set[str]] = {}
    for site in refusal_sites():
        found.setdefault(site.code, set()).add(site.template)
    return found
