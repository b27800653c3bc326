"""Arrange an article's comments into threads, in Python, from one query."""

from collections import defaultdict
from dataclasses import dataclass


@dataclass
class ThreadNode:
    """One comment in display order, with what its list item needs to open or close."""

    comment: object
    depth: int
    can_reply: bool = False
    opens_children: bool = False
    closes: range = range(0)
    html: str = ""


def build_thread(comments, max_depth: int) -> list[ThreadNode]:
    """
    Order comments depth-first (replies after what they answer, oldest first)
    and give each its display depth, at most max_depth: replies deeper than
    that are shown at max_depth, after the comment they answer, as WordPress
    does. A reply whose parent is not shown starts a thread of its own.
    """
    max_depth = max(1, max_depth)
    comments = list(comments)
    shown = {comment.pk for comment in comments}
    children = defaultdict(list)
    roots = []
    for comment in comments:
        if comment.parent_id in shown and comment.parent_id != comment.pk:
            children[comment.parent_id].append(comment)
        else:
            roots.append(comment)

    ordered = []
    visited = set()
    # Roots, then anything only reachable through a loop of parents (bad data).
    for start in roots + comments:
        if start.pk in visited:
            continue
        stack = [(start, 1)]
        while stack:
            comment, depth = stack.pop()
            if comment.pk in visited:
                continue
            visited.add(comment.pk)
            ordered.append(ThreadNode(comment, depth, can_reply=depth < max_depth))
            child_depth = min(depth + 1, max_depth)
            stack.extend((child, child_depth) for child in reversed(children[comment.pk]))

    for index, node in enumerate(ordered):
        next_depth = ordered[index + 1].depth if index + 1 < len(ordered) else 1
        if next_depth > node.depth:
            node.opens_children = True
        else:
            node.closes = range(node.depth - next_depth)
    return ordered
