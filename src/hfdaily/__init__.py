"""hfdaily: Hugging Face Daily Papers → a Chinese research briefing."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/hfdaily/hfdaily"  # the default 订阅渠道 link and the User-Agent's contact
