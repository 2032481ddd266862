"""The installed package's version, read once from its metadata (written in pyproject.toml only)."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("keras-gan")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
