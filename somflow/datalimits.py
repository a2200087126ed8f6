"""Limits for structured files from outside (data files, form specs): size, YAML aliases, depth.

YAML lets a 584-byte file describe billions of strings: an anchor used nine
times in a list, that list used nine times in the next, and so on ("billion
laughs"). PyYAML builds it quickly out of shared objects, and whatever walks
the result afterwards (validation, filling a PDF, JSON) spends minutes and
gigabytes. So a document is refused while it is being composed, as soon as

* the file is larger than :data:`MAX_BYTES`;
* its nodes, counting every alias as a full copy of what it points to,
  exceed :data:`MAX_NODES` (a real form's data has a few hundred);
* it nests deeper than :data:`MAX_DEPTH` levels (a form has three or four).

JSON has no aliases; its size and depth are limited the same way
(:func:`check_depth`). Each refusal is an :class:`InvalidInput` naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent

from somflow.errors import InvalidInput
from somflow.i18n import _

MAX_BYTES = 10 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 32


def check_size(size: int, source: Path | str) -> None:
    """Refuse a file of ``size`` bytes above :data:`MAX_BYTES` (before reading it)."""
    if size > MAX_BYTES:
        raise InvalidInput(
            [
                _(
                    "Plik {file} jest za duży ({size} MB; najwyżej {limit} MB).",
                    file=source,
                    size=round(size / 2**20, 1),
                    limit=MAX_BYTES // 2**20,
                )
            ]
        )


def too_deep(source: Path | str) -> InvalidInput:
    return InvalidInput(
        [_("Plik {file} ma zbyt głęboko zagnieżdżone dane (ponad {limit} poziomów).", file=source, limit=MAX_DEPTH)]
    )


def check_depth(data: Any, source: Path | str) -> None:
    """Refuse parsed data (JSON) nested deeper than :data:`MAX_DEPTH`."""
    level = [data]
    for _depth in range(MAX_DEPTH + 1):
        level = [child for item in level for child in _children(item)]
        if not level:
            return
    raise too_deep(source)


def _children(item: Any) -> list[Any]:
    if isinstance(item, dict):
        return list(item.values())
    if isinstance(item, list):
        return item
    return []


class LimitedComposer:
    """Mixed into a PyYAML loader: counts nodes (aliases at their full size) and depth while composing."""

    source: Path | str = "YAML"

    def compose_document(self):  # type: ignore[no-untyped-def]
        self._nodes, self._depth, self._weights = 0, 0, {}
        return super().compose_document()  # type: ignore[misc]

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(AliasEvent):  # type: ignore[attr-defined]
            anchored = self.anchors.get(self.peek_event().anchor)  # type: ignore[attr-defined]
            self._count(self._weights.get(id(anchored), 1))
            return super().compose_node(parent, index)  # type: ignore[misc]
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise too_deep(self.source)
        before = self._nodes
        node = super().compose_node(parent, index)  # type: ignore[misc]
        self._depth -= 1
        self._count(1)
        self._weights[id(node)] = self._nodes - before
        return node

    def _count(self, nodes: int) -> None:
        self._nodes += nodes
        if self._nodes > MAX_NODES:
            raise InvalidInput(
                [
                    _(
                        "Plik {file} rozwija się w ponad {limit} elementów (aliasy YAML: *nazwa) — tak wygląda „bomba YAML”, "
                        "nie dane formularza. Nie wczytano go.",
                        file=self.source,
                        limit=MAX_NODES,
                    )
                ]
            )


class SafeLoader(LimitedComposer, yaml.SafeLoader):
    """``yaml.SafeLoader`` with the limits."""


def load_yaml(text: str, source: Path | str, loader: type = SafeLoader, lines: dict[str, int] | None = None) -> Any:
    """Parse YAML ``text`` with ``loader`` (a :class:`LimitedComposer` loader); ``source`` names the file in messages.

    ``lines``, if given, is filled with the line of every key and list item (``sections[0].fields[1].type``).
    """
    instance = loader(text)
    instance.source = source
    try:
        node = instance.get_single_node()
        if lines is not None and node is not None:
            _note_lines(node, "", lines, [MAX_NODES], MAX_DEPTH)
        return None if node is None else instance.construct_document(node)
    except ValueError as exc:  # a value YAML recognised but Python cannot build: 2026-02-30, an int of 5000 digits
        raise unreadable_value(source, exc) from None
    finally:
        instance.dispose()


def _note_lines(node: yaml.Node, where: str, lines: dict[str, int], budget: list[int], depth: int) -> None:
    """Record the line of each key and item under ``node``, within a node ``budget`` and ``depth`` (aliases may loop)."""
    children = []
    if isinstance(node, yaml.MappingNode) and depth > 0:
        children = [(f"{where}.{key.value}" if where else str(key.value), key, value) for key, value in node.value]
    elif isinstance(node, yaml.SequenceNode) and depth > 0:
        children = [(f"{where}[{i}]", item, item) for i, item in enumerate(node.value)]
    for path, marked, child in children[: max(budget[0], 0)]:
        budget[0] -= 1
        lines.setdefault(path, marked.start_mark.line + 1)
        _note_lines(child, path, lines, budget, depth - 1)


def unreadable_value(source: Path | str, exc: ValueError) -> InvalidInput:
    return InvalidInput(
        [
            _(
                "Plik {file} zawiera wartość, której nie da się odczytać (np. nieistniejącą datę albo liczbę o tysiącach cyfr): {error}",
                file=source,
                error=exc,
            )
        ]
    )
