"""kehoach: Vietnamese action plans as checked data."""

__version__ = "0.1.0"
