"""README.md's configuration table and the code name the same environment variables: every variable the code
reads is a row, and every row names a variable the code reads.

"Reads" is found with `ast`: `os.environ.get("X")`, `os.environ["X"]`, `"X" in os.environ`, `os.getenv("X")`,
and the settings readers `env`/`env_int`/`env_float` and the `setting` fields (common/settings.py) and `_env`
(lapor_client/config.py, which imports nothing of common/) called with a literal name; plus the `${X}` that
Rasa expands in dialogue/endpoints.yml and dialogue/credentials.yml. A name computed at run time could hide
a variable from this test, so only the readers themselves (and `read_settings`, which reads the names the
`setting` fields give) may take one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = ("bot", "actions", "common", "lapor_client")
RASA_FILES = ("dialogue/endpoints.yml", "dialogue/credentials.yml")
READERS = {"env", "env_int", "env_float", "_env", "setting"}
# The one function that reads the names the `setting` fields give (common/settings.py).
FIELD_READER = "read_settings"
ENVIRON_METHODS = {"get", "setdefault", "pop"}
NAME = re.compile(r"`([A-Z][A-Z0-9_]+)`")


def _is_environ(node: ast.expr) -> bool:
    """`os.environ`, or `environ` imported from os."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "environ"


def _name_arg(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _reader_call(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr in ENVIRON_METHODS and _is_environ(func.value):
            return True
        return func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os"
    return isinstance(func, ast.Name) and func.id in READERS | {"getenv"}


def variables_read(source: str, where: str = "<source>") -> set[str]:
    """Names of the environment variables `source` reads; AssertionError for a name computed at run time
    outside the readers' own definitions."""
    tree = ast.parse(source)
    inside_reader = {
        id(node)
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef) and fn.name in READERS | {FIELD_READER}
        for node in ast.walk(fn)
    }
    names, computed = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _reader_call(node):
            name = _name_arg(node.args[0] if node.args else None)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value):
            name = _name_arg(node.slice)
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.ops[0], (ast.In, ast.NotIn))
            and _is_environ(node.comparators[0])
        ):
            name = _name_arg(node.left)
        else:
            continue
        if name is not None:
            names.add(name)
        elif id(node) not in inside_reader:
            computed.append(f"{where}:{node.lineno}")
    assert not computed, f"environment variable names computed at run time: {computed}"
    return names


def code_variables() -> set[str]:
    names = set()
    for package in CODE:
        for path in sorted((ROOT / package).rglob("*.py")):
            names |= variables_read(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    for rasa_file in RASA_FILES:
        text = (ROOT / rasa_file).read_text(encoding="utf-8")
        without_comments = re.sub(r"(^|\s)#.*", "", text, flags=re.MULTILINE)
        names |= set(re.findall(r"\$\{(\w+)\}", without_comments))
    return names


def configuration_rows(readme: str) -> list[list[str]]:
    """The cells of each row of the first table under README's "## Configuration" heading."""
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    return [row for row in rows[2:]]  # past the header and its --- line


def documented_variables(readme: str) -> set[str]:
    return {name for row in configuration_rows(readme) for name in NAME.findall(row[0])}


README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_variable_the_code_reads_is_in_the_readme():
    missing = code_variables() - documented_variables(README)
    assert not missing, f"read by the code, missing from README.md's configuration table: {sorted(missing)}"


def test_every_row_of_the_readme_names_a_variable_the_code_reads():
    unread = documented_variables(README) - code_variables()
    assert not unread, f"in README.md's configuration table, read by no code: {sorted(unread)}"


def test_every_row_gives_a_default_and_a_meaning():
    rows = configuration_rows(README)
    assert len(rows) >= 10
    incomplete = [row[0] for row in rows if len(row) != 3 or not NAME.search(row[0]) or not all(row)]
    assert not incomplete, f"rows without a variable, a default and a meaning: {incomplete}"


def test_every_way_of_reading_a_variable_is_seen():
    source = (
        "import os\n"
        "from os import environ\n"
        "from common.settings import env, env_int\n"
        "a = os.environ.get('A')\n"
        "b = os.environ['B']\n"
        "c = 'C' in os.environ\n"
        "d = os.getenv('D', '1')\n"
        "e = env_int('E', 3)\n"
        "f = environ.get('F')\n"
        "def later():\n"
        "    return _env('G', '')\n"
        "os.environ['NOT_READ'] = '1'\n"
        "def env(name, default=''):\n"
        "    return os.environ.get(name, default)\n"
    )
    assert variables_read(source) == {"A", "B", "C", "D", "E", "F", "G"}


def test_a_name_computed_at_run_time_is_refused():
    try:
        variables_read("import os\nprefix = 'X'\ntoken = os.environ.get(prefix + '_TOKEN')\n")
    except AssertionError as refused:
        assert "<source>:3" in str(refused)
    else:
        raise AssertionError("a computed variable name went unnoticed")
