"""binatsec: an offline terminal reference on US–Mexico security cooperation."""

__version__ = "0.2.0"
