"""Built-in somflow plugin: keeping the standards alive."""
