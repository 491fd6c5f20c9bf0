"""Ranking papers for a reader: similar papers across the archive, recommendations for a profile."""
