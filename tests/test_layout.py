"""The layout's rules (docs/architecture.md): shared state in common/ knows no process, the action server and
the processes in bot/ never import each other, lapor_client stands alone, and common/keys.py stays the one
map of the Redis keys, with docs/architecture.md's summary listing the same keys.

Imports are read with `ast` from every module, function-local ones and `importlib.import_module("...")`
included, so a rule cannot be broken by an import hidden inside a function.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from common import keys

ROOT = Path(__file__).resolve().parents[1]

# package → the top-level packages it must not import
FORBIDDEN = {
    "common": {"bot", "actions"},
    "actions": {"bot"},
    "bot": {"actions"},
    "lapor_client": {"bot", "actions", "common"},
}


def imports_of(source: str) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in `source`, wherever it stands in the module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and _called_name(node.func) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return sorted(found)


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def violations(package: str) -> list[str]:
    forbidden = FORBIDDEN[package]
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in imports_of(path.read_text(encoding="utf-8")):
            if module.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return sorted(found)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_keeps_its_import_rule(package):
    assert (ROOT / package).is_dir()
    assert violations(package) == [], f"{package}/ must not import {sorted(FORBIDDEN[package])}"


def test_imports_inside_functions_and_by_name_are_seen():
    source = (
        "import os\n"
        "from common import keys\n"
        "from . import sibling\n"
        "def later():\n"
        "    from bot.gateway import app\n"
        "    return importlib.import_module('actions.clients')\n"
    )
    assert imports_of(source) == [(1, "os"), (2, "common"), (5, "bot.gateway"), (6, "actions.clients")]


KEY = re.compile(r"`((?:app|rasa):[^`]*[^:`])`")


def _key_shapes(text: str) -> set[str]:
    """The keys named in `text`, each placeholder (`<sender>`) written as X."""
    return {re.sub(r"<[^>]+>", "X", key) for key in KEY.findall(text)}


# What common/keys.py builds or reads besides keys: the ids that stand inside keys and hashes, and the
# builders of builders.
NOT_KEYS = {keys.notifier_job_id, keys.notifier_job_sender, keys.one_per}


def test_the_redis_map_lists_every_key_common_keys_builds():
    built = {f"{keys.RASA_PREFIX}:tracker:X", f"{keys.RASA_PREFIX}:lock:X"}
    for name, value in vars(keys).items():
        if name.isupper() and isinstance(value, str) and value.startswith(f"{keys.APP}:"):
            built.add(value)
        elif inspect.isfunction(value) and value.__module__ == keys.__name__:
            if value in NOT_KEYS:
                continue
            built.add(value(*["X"] * len(inspect.signature(value).parameters)))
    assert _key_shapes(keys.__doc__) == built


def test_the_redis_map_in_the_architecture_doc_matches_common_keys():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc.split("\n## State: the Redis map\n", 1)[1].split("\n## ", 1)[0]
    assert _key_shapes(section) == _key_shapes(keys.__doc__)


def imports_under_tests(source: str, package: tuple[str, ...]) -> list[tuple[int, str]]:
    """(line, module) of every import of something under tests/ in `source`, a module of `package`:
    absolute ones as imports_of reads them, relative ones resolved, and each name a `from` imports (it may
    be a module)."""
    found = imports_of(source)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *([node.module] if node.module else [])])
            found += [(node.lineno, module)] + [(node.lineno, f"{module}.{a.name}") for a in node.names]
    return sorted({(line, module) for line, module in found if module.split(".")[0] == "tests"})


def imports_of_other_tests(source: str, package: tuple[str, ...]) -> dict[int, str]:
    """line → what it imports, of each line in `source` importing a test module or a conftest: anything
    under tests/ but tests/support/ (the fullest name the line imports, e.g. the helper itself)."""
    found: dict[int, str] = {}
    for line, module in imports_under_tests(source, package):
        if len(module.split(".")) > 1 and module.split(".")[1] != "support":
            found[line] = max(found.get(line, ""), module, key=len)
    return found


def test_imports_of_test_modules_and_conftests_are_seen_however_written():
    source = (
        "from tests.support.actions import run\n"
        "from tests import support\n"
        "from tests.actions.test_forms import FORM\n"
        "from . import conftest\n"
        "from ..conftest import CONSOLE_TOKEN\n"
        "def later():\n"
        "    return importlib.import_module('tests.bot.notifier.test_service')\n"
    )
    assert imports_of_other_tests(source, ("tests", "bot", "notifier")) == {
        3: "tests.actions.test_forms.FORM",
        4: "tests.bot.notifier.conftest",
        5: "tests.bot.conftest.CONSOLE_TOKEN",
        7: "tests.bot.notifier.test_service",
    }


def test_test_modules_share_helpers_only_through_tests_support():
    test_modules = sorted({*ROOT.glob("tests/**/test_*.py"), *ROOT.glob("tests/**/conftest.py")})
    assert ROOT / "tests" / "conftest.py" in test_modules
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in test_modules
        for line, module in imports_of_other_tests(
            path.read_text(encoding="utf-8"), path.relative_to(ROOT).parent.parts
        ).items()
    ]
    assert found == [], "test modules share helpers only through tests/support/"
