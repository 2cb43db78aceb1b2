"""Quizzes for people: questions, prompts, feedback and the final score, drawn with Rich.

Imported lazily, on the human path only. Like views.terminal, every string from the content
goes into a Rich `Text` (never markup), and nothing here prints a time or a path, so the same
seed and answers draw the same screen byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence

from binatsec.i18n import _, ngettext
from binatsec.quiz.engine import QUIT, Answered, QuizResult
from binatsec.quiz.questions import LETTERS, Question
from binatsec.views.terminal import (
    SafeConsole,
    Styled,
    _t,
    topic_name,
    unfinished_score,
)

MIN_WIDTH = 20


class QuizScreen:
    """One quiz on one console: questions, prompts and feedback, then the score."""

    def __init__(self, console: SafeConsole) -> None:
        self.console = console

    def block(self, text: Styled | str, indent: int = 0, hanging: str = "",
              hanging_style: str = "") -> None:
        """Text wrapped to the console with a hanging indent, and no trailing spaces."""
        body = text if isinstance(text, Styled) else _t(text)
        lead = indent + len(hanging)
        width = max(MIN_WIDTH, self.console.width - lead)
        for number, line in enumerate(body.wrap(self.console, width)):
            line.rstrip()
            out = Styled(" " * indent)
            out.append(hanging if number == 0 else " " * len(hanging), style=hanging_style)
            out.append_text(line)
            self.console.print(out, soft_wrap=True)

    def whole_line(self, text: Styled) -> None:
        """A command to copy: never cut or folded by Rich (the terminal wraps it)."""
        self.console.print(text, soft_wrap=True)

    def blank(self) -> None:
        self.console.print()

    def start(self, topic: str, questions: int, seed: int, replay: str,
              review: Sequence[str] = (), review_asked: bool = False,
              scope: str = "") -> None:
        """The quiz's title, what it asks about (`scope`: the records a look-up found, said
        in words), the review and how to play it again."""
        title = _t(_("Quiz: {topic}").format(topic=topic_name(topic)), "bold")
        title.append("  " + ngettext("{count} question, seed {seed}",
                                     "{count} questions, seed {seed}", questions)
                     .format(count=questions, seed=seed), style="dim")
        self.block(title)
        if scope:
            self.block(_t(scope, "dim"))
        if review_asked:
            self.block(_t(ngettext("Review: {count} question you missed or are due again comes "
                                   "first.",
                                   "Review: {count} questions you missed or are due again come "
                                   "first.", len(review)).format(count=len(review))
                          if review else
                          _("Review: nothing is due yet, so these are new questions."), "dim"))
        self.whole_line(_t(_("Play these questions again: {command}").format(command=replay),
                           "dim"))
        self.blank()

    def question(self, question: Question, number: int, total: int) -> None:
        head = _t(_("Question {number} of {total}").format(number=number, total=total),
                  "bold cyan")
        head.append(f"  {topic_name(question.topic)}", style="dim")
        self.block(head)
        self.block(_t(question.prompt, "bold"))
        if question.multiple_choice:
            for option in question.options:
                self.block(option.text, indent=2, hanging=f"{option.key}) ", hanging_style="bold")

    def prompt_text(self, question: Question) -> Styled:
        if not question.multiple_choice:
            return _t(_("Your answer (m = myth, f = fact, or {quit} to stop): ")
                      .format(quit=QUIT), "bold")
        last = len(question.options)
        return _t(_("Your answer (a-{letter}, 1-{last}, or {quit} to stop): ")
                  .format(letter=LETTERS[last - 1], last=last, quit=QUIT), "bold")

    def ask(self, question: Question) -> str | None:
        """Read one answer at the prompt; None at end of input (Ctrl-D)."""
        try:
            return self.console.input(self.prompt_text(question))
        except EOFError:
            self.blank()
            return None
        except KeyboardInterrupt:
            self.blank()  # end the prompt's line, so the "interrupted" note starts clean
            raise

    def echo(self, question: Question, raw: str) -> None:
        """Show a scripted answer as if it had been typed at the prompt."""
        line = self.prompt_text(question)
        line.append(raw)
        self.block(line)

    def rejected(self, question: Question, raw: str) -> None:
        if raw.strip():
            message = _("'{answer}' is not one of the answers: {hint}, or {quit} to stop.")
        else:
            message = _("An empty answer is not one of the answers: {hint}, or {quit} to stop.")
        self.block(_t(message.format(answer=raw.strip(), hint=question.hint(), quit=QUIT),
                      "yellow"), indent=2)

    def feedback(self, answered: Answered) -> None:
        question = answered.question
        right = _option_label(question, question.answer)
        if answered.correct:
            line = _t(_("✓ Right"), "bold green")
            line.append(f": {right}")
        else:
            line = _t(_("✗ Wrong"), "bold red")
            line.append(_(": you answered {given}; the answer is {right}").format(
                given=_option_label(question, answered.given, short=True), right=right))
        self.block(line)
        explanation = _t(question.explanation)
        if question.credit:
            explanation.append(f" ({question.credit})", style="dim")
        self.block(explanation, indent=2)
        # The record's id on a line of its own, never split by the wrapping above.
        self.whole_line(_t(f"  {question.record_id}", "cyan"))
        self.blank()

    def summary(self, result: QuizResult) -> None:
        score = _t(_("Score: "), "bold")
        if result.complete:
            score.append(_("{right} of {total}").format(right=result.score, total=result.total),
                         style="bold")
            score.append(f" ({round(100 * result.score / result.total)}%)")
        else:
            # Unfinished: out of the questions answered, never a percentage or praise.
            self.blank()
            if result.stopped:
                how = ngettext("Stopped after {answered} of {count} question: the quiz is "
                               "unfinished.",
                               "Stopped after {answered} of {count} questions: the quiz is "
                               "unfinished.", result.planned)
            else:
                how = ngettext("Input ended after {answered} of {count} question: the quiz is "
                               "unfinished.",
                               "Input ended after {answered} of {count} questions: the quiz "
                               "is unfinished.", result.planned)
            self.block(_t(how.format(answered=result.total, count=result.planned), "yellow"))
            score.append(unfinished_score(result.score, result.total, result.unanswered),
                         style="bold")
        self.block(score)
        if result.missed:
            self.blank()
            self.block(_t(_("Missed:"), "bold"))
            for number, answered in enumerate(result.answered, start=1):
                if answered.correct:
                    continue
                question = answered.question
                label = f"{number}. "
                self.block(question.prompt, indent=2, hanging=label)
                answer = _option_label(question, question.answer, full=True)
                self.block(_t(_("answer: {answer}").format(answer=answer), "dim"),
                           indent=2 + len(label))
            self.blank()
            self.block(_t(_("Read more:"), "bold"))
            for command in result.reading():
                self.whole_line(_t(f"  {command}", "green"))
        elif result.complete:
            self.block(_t(_("Every answer right."), "green"))

def _option_label(question: Question, key: str, short: bool = False,
                  full: bool = False) -> str:
    """How an answer reads: "b) over $3 billion", "myth", or just "c" (`short`).

    Right after a question whose explanation repeats its long answer (the FAQ's), only the
    letter is named there; the summary (`full`) names the text.
    """
    option = question.option(key)
    if not question.multiple_choice:
        return option.text
    if short or (not full and question.repeats_answer):
        return key
    return f"{key}) {option.text}"
