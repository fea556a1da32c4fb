"""The on-disk index cache: a second process (here: a cleared memory) reads what the first built; another catalog
version, database or a damaged file is never a stale hit."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack8s_architect.catalog import index_cache
from stack8s_architect.core.database import Database


@pytest.fixture
def folder(tmp_path: Path):  # noqa: ANN201
    index_cache.use_folder(tmp_path / "indexes")
    yield tmp_path / "indexes"
    index_cache.use_folder(None)


def test_an_index_is_built_once_and_read_back(database: Database, folder: Path) -> None:
    built: list[int] = []

    def build(value: int):  # noqa: ANN202
        def make() -> dict:
            built.append(value)
            return {"version": value, "rows": list(range(value))}
        return make

    with database.session() as session:
        first = index_cache.load_or_build("demo", session, (3, 100), build(3))
        again = index_cache.load_or_build("demo", session, (3, 100), build(3))
        assert first == again == {"version": 3, "rows": [0, 1, 2]} and built == [3]  # the second came from disk
        newer = index_cache.load_or_build("demo", session, (4, 100), build(4))
        assert newer["version"] == 4 and built == [3, 4]  # a new catalog version is another file
    assert len(list(folder.glob("demo-*.pickle"))) == 2


def test_a_damaged_file_is_rebuilt_and_without_a_folder_nothing_is_kept(database: Database, folder: Path) -> None:
    with database.session() as session:
        index_cache.load_or_build("demo", session, 1, lambda: [1])
        [path] = folder.glob("demo-*.pickle")
        path.write_bytes(b"not a pickle")
        assert index_cache.load_or_build("demo", session, 1, lambda: [2]) == [2]
        index_cache.use_folder(None)
        calls = []
        index_cache.load_or_build("other", session, 1, lambda: calls.append(1) or [3])
        index_cache.load_or_build("other", session, 1, lambda: calls.append(1) or [3])
        assert calls == [1, 1] and not list(folder.glob("other-*"))


def test_only_the_newest_versions_of_a_kind_are_kept(database: Database, folder: Path) -> None:
    with database.session() as session:
        for version in range(5):
            index_cache.load_or_build("demo", session, version, lambda v=version: v)
    assert len(list(folder.glob("demo-*.pickle"))) == index_cache.KEEP_PER_KIND


def test_an_index_pickled_by_other_code_is_not_read_back(database: Database, folder: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    built = []
    with database.session() as session:
        index_cache.load_or_build("demo", session, 1, lambda: built.append(1) or "old shape")
        monkeypatch.setattr(index_cache, "_CODE", "another-version")  # the catalog code changed (an upgrade)
        assert index_cache.load_or_build("demo", session, 1, lambda: built.append(2) or "new shape") == "new shape"
    assert built == [1, 2]
