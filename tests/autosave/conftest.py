from tests.posts.conftest import editor, editor_client  # noqa: F401
