"""Deliver: pushing a finished day to readers' channels, and running hfdaily on a schedule."""
