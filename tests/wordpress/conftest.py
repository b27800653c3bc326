import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

SMALL = Path(__file__).parents[1] / "fixtures" / "wordpress" / "small.xml"


@pytest.fixture
def small_export_imported(db, settings):
    """tests/fixtures/wordpress/small.xml imported, on a site in New York time."""
    settings.TIME_ZONE = "America/New_York"
    timezone.deactivate()
    call_command("import_wordpress", str(SMALL), stdout=io.StringIO())
