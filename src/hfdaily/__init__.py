"""hfdaily: Hugging Face Daily Papers → a Chinese research briefing."""

__version__ = "0.1.0"
