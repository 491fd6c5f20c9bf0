"""Enrich: the LLM work — translation and full-text analysis, validated and cached."""
