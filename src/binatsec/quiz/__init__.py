"""Quizzes: a pure engine over the corpus, and the history kept on disk."""
