"""Make: pure renderings of a day — fields, statistics, pictures, audio, Markdown and HTML pages."""
