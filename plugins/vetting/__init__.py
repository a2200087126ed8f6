"""Built-in somflow plugin: vetting. Filled in by its own issue; loads like any third-party plugin."""

__version__ = "0.1.0"
