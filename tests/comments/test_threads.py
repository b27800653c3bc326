"""The thread builder (comments/threads.py): replies nested to the configured depth."""

import pytest

from comments.threads import build_thread


@pytest.mark.parametrize("depth", [1, 3, 5])
def test_thread_markup_balances(depth):
    class Fake:
        def __init__(self, pk, parent_id):
            self.pk, self.parent_id = pk, parent_id

    comments = [Fake(1, None)] + [Fake(i, i - 1 if i % 3 else 1) for i in range(2, 40)]
    nodes = build_thread(comments, depth)
    opened = sum(1 for node in nodes if node.opens_children)
    closed = sum(len(node.closes) for node in nodes)
    assert opened == closed
    assert max(node.depth for node in nodes) == min(depth, max(n.depth for n in nodes))
    assert all(node.depth <= depth for node in nodes)
    assert [node.comment.pk for node in nodes][0] == 1
