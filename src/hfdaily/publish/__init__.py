"""Publish: the archive as a whole — the site, its search, and the feeds."""
