"""A strict checker for the Mermaid flowchart subset the diagram uses (the browser render is issue 8's test)."""

from __future__ import annotations

import re

_ID = r"[A-Za-z_][A-Za-z0-9_]*"
_LABEL = r'"[^"]*"'
_NODE = re.compile(rf"^\s*({_ID})(?:\(\[{_LABEL}\]\)|\[\({_LABEL}\)\]|\[{_LABEL}\])\s*$")
_EDGE = re.compile(rf"^\s*({_ID}) (?:-->|-\.->)(?:\|{_LABEL}\|)? ({_ID})\s*$|^\s*({_ID}) -\. [^.\"]+ \.-> ({_ID})\s*$")
_SUBGRAPH = re.compile(rf"^\s*subgraph {_ID} \[[^\]\"]+\]\s*$")


def check_flowchart(text: str) -> tuple[set[str], list[tuple[str, str]]]:
    """Node ids and edges; raises AssertionError naming the first line that is not valid."""
    lines = text.strip().splitlines()
    assert lines and lines[0] == "flowchart LR", "a flowchart starts with 'flowchart LR'"
    nodes: set[str] = set()
    edges: list[tuple[str, str]] = []
    depth = 0
    for line in lines[1:]:
        if _SUBGRAPH.match(line):
            depth += 1
        elif line.strip() == "end":
            assert depth > 0, "'end' without a subgraph"
            depth -= 1
        elif node := _NODE.match(line):
            assert node.group(1) not in nodes, f"node {node.group(1)} defined twice"
            nodes.add(node.group(1))
        elif edge := _EDGE.match(line):
            source, target = (edge.group(1), edge.group(2)) if edge.group(1) else (edge.group(3), edge.group(4))
            edges.append((source, target))
        else:
            raise AssertionError(f"not valid Mermaid flowchart syntax: {line!r}")
    assert depth == 0, "a subgraph is not closed"
    for source, target in edges:
        assert source in nodes and target in nodes, f"edge {source} → {target} names an undefined node"
    return nodes, edges
