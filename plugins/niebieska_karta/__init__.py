"""Built-in somflow plugin: niebieska_karta. Filled in by its own issue; loads like any third-party plugin."""

__version__ = "0.1.0"
