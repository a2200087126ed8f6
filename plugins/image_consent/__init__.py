"""Built-in somflow plugin: image_consent. Filled in by its own issue; loads like any third-party plugin."""

__version__ = "0.1.0"
