"""Sources: what hfdaily reads from the world — the HF Daily Papers list and arXiv full texts."""
