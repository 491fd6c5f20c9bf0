from hfdaily.cli import cli

cli()
