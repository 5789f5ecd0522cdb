"""The open-government power catalogue generator (行政权力清单生成器)."""

__version__ = "0.1.0"
