"""YAML text for humans: block scalars for multi-line strings, keys in the order written, a comment header."""

from __future__ import annotations

import yaml


# libyaml's emitter when PyYAML was built with it (the wheels are), the pure-Python one otherwise
_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[misc, valid-type]
    def ignore_aliases(self, data: object) -> bool:  # a dict used twice is written twice, not as &id001
        return True


def _str(dumper: yaml.BaseDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.rstrip("\n") or value.endswith("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(obj: object, comment: str = "") -> str:
    """`obj` as YAML, after `comment` as `#` lines."""
    header = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return header + yaml.dump(obj, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=120,
                              allow_unicode=True)
