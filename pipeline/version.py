"""The package version, in a module of its own so any layer can import it without
importing the package root (which imports the Pipeline)."""

__version__ = "0.2.0"
