"""docs/plugins.md cannot drift from the code: every example runs, every hook has a section and a test.

The guide is read as a sequence of annotated fenced blocks (see its introduction):
``<!-- file: PATH -->`` writes a file into the workspace, ``<!-- append: PATH -->``
appends to one, ``<!-- test -->`` is pytest code, a ``console`` block is commands
with the lines their output must contain. Each ``##``/``###`` section is one test;
it replays the files of the sections before it, as a reader's workspace would hold them.
"""

from __future__ import annotations

import ast
import inspect
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import REPO

from somflow import hookspecs

GUIDE = REPO / "docs" / "plugins.md"
HOOK_TESTS = REPO / "tests" / "test_hooks.py"
FENCE = re.compile(r"(?:<!-- (?P<note>[^>]*?) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)```", re.S)


@dataclass
class Block:
    note: str
    lang: str
    body: str


@dataclass
class Section:
    title: str
    text: str
    blocks: list[Block] = field(default_factory=list)


def sections() -> list[Section]:
    text = GUIDE.read_text(encoding="utf-8")
    parts = re.split(r"^(#{2,3} .+)$", text, flags=re.M)
    out = [Section("intro", parts[0])]
    for heading, body in zip(parts[1::2], parts[2::2]):
        out.append(Section(heading.lstrip("# ").strip(), body))
    for section in out:
        section.blocks = [Block((m["note"] or "").strip(), m["lang"], m["body"]) for m in FENCE.finditer(section.text)]
    return out


SECTIONS = sections()
RUNNABLE = [s for s in SECTIONS if any(b.lang == "console" or b.note == "test" for b in s.blocks)]


def hook_specs() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(fn)
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("somflow_") and hasattr(fn, "somflow_spec")
    }


def test_every_block_is_run_or_written():
    for section in SECTIONS:
        for block in section.blocks:
            kind = block.note.split(":")[0]
            assert block.lang == "console" or kind in ("file", "append", "test"), (
                f"{section.title}: a ```{block.lang} block without <!-- file: -->, <!-- append: --> or <!-- test --> is not checked"
            )


def test_every_hook_has_a_section_with_its_signature_and_an_example():
    by_title = {s.title: s for s in SECTIONS}
    for name, signature in hook_specs().items():
        section = by_title.get(name)
        assert section is not None, f"docs/plugins.md has no '### {name}' section"
        params = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
        assert f"`{name}({params}) -> {signature.return_annotation}`" in section.text, (
            f"{name}: the signature in the guide differs from hookspecs.py"
        )
        for param in signature.parameters:
            assert f"| `{param}` |" in section.text, f"{name}: parameter {param} is not described"
        assert any(b.note.startswith("file:") and f"def {name}(" in b.body for b in section.blocks), (
            f"{name}: no example plugin"
        )


def test_every_hook_has_a_test_hook_function():
    tree = ast.parse(HOOK_TESTS.read_text(encoding="utf-8"))
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    missing = [name for name in hook_specs() if f"test_hook_{name.removeprefix('somflow_')}" not in defined]
    assert not missing, f"tests/test_hooks.py lacks test_hook_<name> for {missing}"


def write_files(root: Path, upto: Section) -> None:
    for section in SECTIONS[: SECTIONS.index(upto) + 1]:
        for block in section.blocks:
            kind, _, target = block.note.partition(":")
            if kind in ("file", "append"):
                path = root / target.strip()
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("a" if kind == "append" else "w", encoding="utf-8", newline="\n") as f:
                    f.write("\n" + block.body if kind == "append" else block.body)


def known_commands(root: Path) -> set[str]:
    from somflow.cli import cli
    from somflow.plugins import PluginHost

    return set(cli.commands) | set(PluginHost(root).commands(reserved=set(cli.commands)))


def run_console(block: Block, somflow_cli, commands: set[str]) -> None:
    steps: list[tuple[str, list[str]]] = []
    for line in block.body.splitlines():
        if line.startswith("$ somflow"):
            steps.append((line[2:], []))
        elif line.strip():
            steps[-1][1].append(line.rstrip())
    for command, expected in steps:
        args = shlex.split(command)[1:]
        assert args[0] in commands, f"`somflow {args[0]}` is not a command"
        result = somflow_cli(*args)
        assert result.exit_code == 0, f"{command}:\n{result.output}"
        for line in expected:
            assert line in result.stdout, f"{command}: {line!r} not in the output:\n{result.stdout}"


def run_tests(section: Section, request) -> None:
    namespace: dict = {"__name__": "docs_plugins_examples"}
    current: list[str] = []
    for earlier in SECTIONS[: SECTIONS.index(section) + 1]:
        for block in earlier.blocks:
            if block.note != "test":
                continue
            exec(compile(block.body, f"docs/plugins.md ({earlier.title})", "exec"), namespace)
            if earlier is section:
                current += [
                    n.name
                    for n in ast.parse(block.body).body
                    if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
                ]
    for name in current:
        function = namespace[name]
        kwargs = {p: request.getfixturevalue(p) for p in inspect.signature(function).parameters}
        function(**kwargs)


@pytest.mark.parametrize("section", RUNNABLE, ids=[s.title for s in RUNNABLE])
def test_guide_example(section: Section, somflow_workspace, somflow_cli, request, monkeypatch):
    monkeypatch.chdir(somflow_workspace)
    write_files(somflow_workspace, section)
    commands = known_commands(somflow_workspace)
    for block in section.blocks:
        if block.lang == "console":
            run_console(block, somflow_cli, commands)
    run_tests(section, request)
