"""Tools for working on binatsec itself (never imported by a run)."""
