"""The code's shape, enforced: apps depend in one direction, ``tenancy`` has no import cycle, the
error vocabulary covers the reference's and every ``APIError`` names its code from the one
``ErrorCode`` enum, no module grows past ~300 lines, and no test imports from a conftest.

Dependencies point one way (README, "Layout"):
``tenancy <- controlplane.api <- policies <- agents``; ``observability`` depends on ``tenancy``
and ``controlplane.api`` and reads only ``agents.names``; ``credentials`` depends on ``tenancy``
and ``controlplane.api``, and nothing imports it (settings and the URLconf name it by string).
``telemetry`` (metrics, request ids, logs) sits on ``tenancy`` and ``controlplane.api``;
``quotas`` on those and ``telemetry``; the apps that create rows (and ``agents``' evaluation
counters) call down into them. ``operators`` (the admin site and its tenant pages) sits on top of
every app. The apps' admins share the JSON editor ``controlplane.admin_json``, which depends on
no app.
"""

import ast
from pathlib import Path

import pytest
from agent_control_models.errors import ErrorCode as ReferenceErrorCode

from controlplane.api.exceptions import APIError, ErrorCode

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "tenancy",
    "controlplane",
    "telemetry",
    "quotas",
    "policies",
    "agents",
    "observability",
    "credentials",
    "operators",
)
MAX_MODULE_LINES = 320

# package -> the first-party packages (or modules) it may import
ALLOWED = {
    "tenancy": set(),
    "controlplane.api": {"tenancy"},
    "telemetry": {"tenancy", "controlplane.api"},
    "quotas": {"tenancy", "controlplane.api", "telemetry"},
    "policies": {"tenancy", "controlplane.api", "controlplane.admin_json", "quotas"},
    "agents": {
        "tenancy",
        "controlplane.api",
        "controlplane.admin_json",
        "policies",
        "quotas",
        "telemetry",
    },
    "observability": {"tenancy", "controlplane.api", "quotas", "agents.names"},
    # Plugged in by settings (TENANCY_AUTHENTICATOR) and the URLconf only; no app imports it.
    "credentials": {"tenancy", "controlplane.api", "controlplane.admin_json"},
    "operators": {"tenancy", "controlplane.api", "policies", "agents", "observability", "quotas"},
}
LEAVES = ("controlplane.admin_json",)  # read by the apps below operators: imports no app


def _modules(package: str):
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        if "migrations" not in path.parts:
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield name.removesuffix(".__init__"), path


def _imports(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports (absolute names; relative imports resolved)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _first_party(imported: str) -> bool:
    return imported.split(".")[0] in PACKAGES


def _allowed(owner: str, imported: str) -> bool:
    if imported == owner or imported.startswith(owner + "."):
        return True
    return any(imported == a or imported.startswith(a + ".") for a in ALLOWED[owner])


def test_apps_depend_in_one_direction():
    offending = []
    for owner in ALLOWED:
        for name, path in _modules(owner):
            for imported in sorted(_imports(name, path)):
                if _first_party(imported) and not _allowed(owner, imported):
                    offending.append(f"{name} imports {imported}")
    assert offending == []


def test_modules_read_by_lower_apps_are_leaves():
    imported = {
        leaf: sorted(
            name
            for name in _imports(leaf, ROOT / f"{leaf.replace('.', '/')}.py")
            if _first_party(name)
        )
        for leaf in LEAVES
    }
    assert imported == {leaf: [] for leaf in LEAVES}


def test_tenancy_has_no_import_cycle():
    modules = dict(_modules("tenancy"))
    graph = {
        name: {other for other in _imports(name, path) if other in modules and other != name}
        for name, path in modules.items()
    }
    cycles = []

    def visit(node, trail):
        for other in graph[node]:
            if other in trail:
                cycles.append([*trail[trail.index(other) :], other])
            else:
                visit(other, [*trail, other])

    for start in graph:
        visit(start, [start])
    assert cycles == []


def test_error_codes_cover_the_reference_vocabulary():
    ours = {code.name: code.value for code in ErrorCode}
    reference = {code.name: code.value for code in ReferenceErrorCode}
    assert {name: ours.get(name) for name in reference} == reference


def test_no_module_is_longer_than_about_300_lines():
    long = {}
    for folder in (*PACKAGES, "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            if {"migrations", ".work"} & set(path.parts):  # bench/.work: the reference's venv
                continue
            lines = len(path.read_text().splitlines())
            if lines > MAX_MODULE_LINES:
                long[str(path.relative_to(ROOT))] = lines
    assert long == {}


def test_no_test_module_imports_from_a_conftest():
    """Shared test code lives in helper modules (``tests/factories.py``, ``tests/live_servers.py``,
    ...); a conftest only declares fixtures, and nothing imports it."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for imported in _imports(name, path):
            if "conftest" in imported.split("."):
                offenders.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert offenders == []


def _error_code_arguments():
    """``(module, line, node)`` of the error-code argument of every ``APIError(...)`` call."""
    for package in PACKAGES:
        for name, path in _modules(package):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "APIError"
                ):
                    argument = node.args[1] if len(node.args) > 1 else None
                    for keyword in node.keywords:
                        if keyword.arg == "error_code":
                            argument = keyword.value
                    yield name, node.lineno, argument


def test_every_api_error_names_its_code_from_the_one_enum():
    calls = list(_error_code_arguments())
    assert len(calls) > 30
    literals = [
        f"{name}:{line}"
        for name, line, argument in calls
        if argument is None or isinstance(argument, ast.Constant)
    ]
    assert literals == []
    with pytest.raises(TypeError, match="APIError needs an ErrorCode member, got 'NOT_FOUND'"):
        APIError(404, "NOT_FOUND", "missing")
