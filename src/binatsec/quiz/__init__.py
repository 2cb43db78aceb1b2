"""Quizzes: the topics and their question makers, a pure engine, and the history on disk.

The few constants the command line declares its options with live here, so building a
command does not import the engine (or `random`) until a quiz is played.
"""

ALL = "all"
DEFAULT_COUNT = 10
SEED_LIMIT = 2**31  # random seeds are drawn below this, so they fit any JSON reader
