"""PDF reports: view data in Python, Jinja2 layout, WeasyPrint rendering, stored bytes."""
