"""Reading evaluators' YAML files: bytes to text to data, with every problem placed in the file.

Shared by the questionnaire loader and the indicator-system loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_FILE_BYTES = 1_000_000
MAX_ALIAS_NODES = 10_000
"""The most YAML nodes that aliases (``*name``) may repeat in one file: a scale's options repeated a few
times are some hundreds; an alias bomb (aliases of aliases, under 1 KB) would be billions."""


class UniqueKeyLoader(yaml.SafeLoader):
    """Safe loader that rejects a key written twice in one mapping (plain PyYAML keeps the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: let PyYAML report it
                continue
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"duplicate key {key!r} (first written on line {first.start_mark.line + 1})",
                    key_node.start_mark)
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


class BoundedLoader(UniqueKeyLoader):
    """`UniqueKeyLoader` that counts what aliases repeat and stops past `MAX_ALIAS_NODES`, before anything
    is built: each alias adds the size of its anchored node once expanded (sizes are computed once per
    node, so counting is linear in the file). An alias inside its own anchor is refused too."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._repeated = 0
        self._sizes: dict[int, int] = {}
        self._open: set[str] = set()

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            if event.anchor in self._open:
                raise yaml.composer.ComposerError(None, None, f"alias *{event.anchor} is inside its own anchor",
                                                  event.start_mark)
            node = self.anchors.get(event.anchor)
            if node is not None:
                self._repeated += self._size(node)
                if self._repeated > MAX_ALIAS_NODES:
                    raise yaml.composer.ComposerError(
                        None, None, f"aliases repeat more than {MAX_ALIAS_NODES} values (an alias bomb?); "
                        "write the values out instead", event.start_mark)
            return super().compose_node(parent, index)
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is None:
            return super().compose_node(parent, index)
        self._open.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._open.discard(anchor)

    def _size(self, node: yaml.Node) -> int:
        """How many nodes `node` stands for once every alias in it is expanded."""
        size = self._sizes.get(id(node))
        if size is None:
            if isinstance(node, yaml.SequenceNode):
                size = 1 + sum(self._size(item) for item in node.value)
            elif isinstance(node, yaml.MappingNode):
                size = 1 + sum(self._size(key) + self._size(value) for key, value in node.value)
            else:
                size = 1
            self._sizes[id(node)] = size
        return size


class Problems:
    """Gathers (place, problem) pairs so that one run reports every error of a file."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def add(self, path: str, problem: str) -> None:
        self.problems.append((path, problem))

    def unknown_keys(self, mapping: dict, allowed: set[str], path: str) -> None:
        """Report each key of `mapping` that is not in `allowed`."""
        for key in mapping:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.add(where, f"unknown key (allowed: {', '.join(sorted(allowed))})")


def read_text(path: str | Path, error: type[InputError]) -> str:
    """The UTF-8 text of a file (a BOM is fine), or `error` naming the file and what is wrong."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(str(path), [("", f"cannot read file: {exc.strerror}")]) from exc
    if len(data) > MAX_FILE_BYTES:
        raise error(str(path), [("", f"file is larger than {MAX_FILE_BYTES} bytes")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problem = (f"not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line}, column {column} "
                   "(save the file as UTF-8)")
        raise error(str(path), [("", problem)]) from exc


def parse_yaml(text: str, source: str, error: type[InputError]) -> Any:
    """The data of YAML `text`, or `error` with the line and column of the first syntax problem.

    Text over `MAX_FILE_BYTES` and aliases repeating more than `MAX_ALIAS_NODES` values are refused
    before anything is built, so a small hostile file fails at once instead of taking the memory.
    """
    if len(text) > MAX_FILE_BYTES:
        raise error(source, [("", f"file is larger than {MAX_FILE_BYTES} bytes")])
    try:
        return yaml.load(text, Loader=BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(source, [(where, f"invalid YAML: {problem}")]) from exc
