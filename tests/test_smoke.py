import pytest

from tests.factories import ArticleFactory


@pytest.mark.django_db
def test_published_article_is_readable(client):
    article = ArticleFactory(title="Turnout in the suburbs")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Turnout in the suburbs" in response.content.decode()
