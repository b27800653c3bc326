"""Single-row settings models (the site's masthead, the discussion rules) and their admin."""
