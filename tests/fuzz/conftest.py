"""Schemathesis under pytest 9: each generated test gets its own id again (`test_api[POST /api/v1/chat/start]`)."""

from __future__ import annotations

import os
import tempfile

# Hypothesis keeps its caches out of the checkout.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="hypothesis-"))


def pytest_collection_modifyitems(session, config, items) -> None:  # noqa: ANN001
    from _pytest.nodeid import NodeId

    for item in items:
        label = getattr(item, "operation_label", None)
        if label and isinstance(getattr(item, "_id", None), NodeId) and item._id.params is None:
            item._id = item._id.with_params(label)
