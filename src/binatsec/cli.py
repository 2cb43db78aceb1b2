"""The Typer layer: parse arguments, call the queries, hand the result to a renderer."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from binatsec import __version__, exits, figures, output, present, queries
from binatsec.cli_common import (
    JsonOption,
    Options,
    emit_json,
    load_content,
    run_options,
    usage_error,
    wants_json,
)
from binatsec.exits import NothingFound
from binatsec.loader import YEAR_RANGE, ContentError, ContentSource, lint
from binatsec.model import DEFAULT_LANGUAGE
from binatsec.resources import CONTENT_DIR_ENV, bundled_content
from binatsec.sections import BY_NAME, SECTIONS

if TYPE_CHECKING:
    from binatsec.render_text import Renderer


class BinatsecGroup(TyperGroup):
    """Typer's group, with binatsec's own error handling and exit codes around every run."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        def invoke() -> Any:
            return super(BinatsecGroup, self).main(
                args, prog_name, complete_var, standalone_mode=False,
                windows_expand_args=windows_expand_args, **extra)

        code = exits.run(invoke)
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: Any) -> Any:
        # Typer turns Ctrl-C into a silent exit 130, mid-line after the terminal's "^C";
        # passing it on as our own exception lets exits.run end the line and say so.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise exits.Interrupted() from None

    # Subcommands are built when asked for, not all at start-up: Typer inspects every
    # parameter of every command to build it, which was a fifth of each run's time.

    def list_commands(self, ctx: Any) -> list[str]:
        return [*_command_infos(), "quiz"]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name == "quiz":
            from binatsec.cli_quiz import quiz_app

            return typer.main.get_command(quiz_app)
        info = _command_infos().get(name)
        if info is None:
            return None
        return typer.main.get_command_from_info(
            info, pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in self.list_commands(ctx):
            close = queries.suggest(name, self.list_commands(ctx), limit=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise exits.UnknownCommand(f"no such command '{name}'{hint}")
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="binatsec",
    cls=BinatsecGroup,
    rich_markup_mode=None,
    help="An offline reference on US–Mexico security cooperation: FAQ, myths, timeline, "
    "figures, and more, from one source article.",
    add_completion=True,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# The read commands, registered here and built one at a time by BinatsecGroup.get_command.
commands = typer.Typer()


@cache  # the registry is complete once this module is imported; one run asks several times
def _command_infos() -> dict[str, Any]:
    return {info.name or typer.main.get_command_name(info.callback.__name__): info
            for info in commands.registered_commands if info.callback is not None}


# --- shared options -------------------------------------------------------------------------

def _complete_from(section: str) -> Callable[[str], Iterator[str]]:
    """Shell completion from the content itself: ids, categories, pillar numbers."""

    def complete(incomplete: str) -> Iterator[str]:
        try:
            corpus = ContentSource(bundled_content()).load([section])
        except ContentError:
            return
        values: list[str] = []
        if section == "stats":
            values = [c.id for c in corpus.categories]
        else:
            records = BY_NAME[section].records(corpus)
            values = [r.id.split(".", 1)[1] for r in records]
        yield from (v for v in values if v.startswith(incomplete))

    return complete


def _renderer() -> Renderer:
    # Rich is imported here, on the human path only, so --json never pays for it.
    from binatsec.render_text import Renderer, make_console

    return Renderer(make_console(), DEFAULT_LANGUAGE)


# --- commands -------------------------------------------------------------------------------


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"binatsec {__version__}\n")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                           help="Print the version and exit.")
    ] = False,
    content_dir: Annotated[
        Optional[Path],  # noqa: UP045 - Typer reads this annotation at run time
        typer.Option("--content-dir", envvar=CONTENT_DIR_ENV, file_okay=False,
                     help="A folder of your own content files, layered over the bundled "
                     "content (records add or replace by id).", show_envvar=True),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """An offline reference on US–Mexico security cooperation.

    Run without a command for an overview of what is inside.
    """
    ctx.obj = Options(content_dir=content_dir, json=json_output)
    if ctx.invoked_subcommand is not None:
        return
    corpus = load_content(ctx, None)
    if json_output:
        sections = [{"name": s.name, "title": s.title, "summary": s.summary,
                     "count": len(s.records(corpus)), "command": f"binatsec {s.name}"}
                    for s in SECTIONS]
        emit_json(present.envelope("overview", sections=sections))
        return
    _renderer().overview(corpus, __version__)


@commands.command()
def faq(
    ctx: typer.Context,
    query: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Argument(help="An id (merida-initiative) or words to look for; none lists all.",
                       autocompletion=_complete_from("faq"), show_default=False),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Frequently asked questions: list them, or answer one by id or words."""
    corpus = load_content(ctx, ("faq", "stats", "sources"))
    text = " ".join(query or []).strip()
    entries = list(corpus.faq) if not text else queries.answer_faq(corpus.faq, text)
    if wants_json(ctx, json_output):
        items = [present.with_figures(e, corpus, DEFAULT_LANGUAGE) for e in entries]
        emit_json(present.envelope("faq", query=text or None, count=len(items), items=items))
    elif not text:
        _renderer().faq_list(entries)
    elif entries:
        _renderer().faq_answers(entries, corpus)
    if text and not entries:
        raise NothingFound(f"no question matches '{text}'; try 'binatsec search {text}' or "
                           "'binatsec faq' for the list")


@commands.command()
def myths(
    ctx: typer.Context,
    json_output: JsonOption = False,
    quiz: Annotated[bool, typer.Option(
        "--quiz", help="Quiz yourself instead: myth or fact? (the same as 'binatsec quiz "
        "--topic myths'; answers from stdin when it is not a terminal).")] = False,
) -> None:
    """Common myths about the cooperation, each beside the reality."""
    if quiz:
        from binatsec.cli_quiz import play_quiz

        play_quiz(ctx, "myths", json_output=json_output)
        return
    corpus = load_content(ctx, ("myths", "stats", "sources"))
    if wants_json(ctx, json_output):
        # With their linked figures, like every other section's records.
        items = [present.with_figures(m, corpus, DEFAULT_LANGUAGE) for m in corpus.myths]
        emit_json(present.envelope("myths", count=len(items), items=items))
        return
    _renderer().myths(corpus.myths, corpus)


def _year(value: int | None, name: str) -> int | None:
    if value is not None and not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        usage_error(f"year {value} is out of range; use a year from {YEAR_RANGE[0]} to "
                    f"{YEAR_RANGE[1]}", name)
    return value


@commands.command()
def timeline(
    ctx: typer.Context,
    start: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--from", help="Only events in or after this year.", show_default=False)] = None,
    end: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--to", help="Only events in or before this year.", show_default=False)] = None,
    json_output: JsonOption = False,
) -> None:
    """Dated events, oldest first, with the figures that go with them."""
    _year(start, "--from")
    _year(end, "--to")
    if start is not None and end is not None and start > end:
        usage_error(f"--from {start} is after --to {end}; give the earlier year to --from")
    corpus = load_content(ctx, ("timeline", "stats", "sources"))
    events = queries.timeline_between(corpus.timeline, start, end)
    if wants_json(ctx, json_output):
        items = [present.timeline_event(e, corpus, DEFAULT_LANGUAGE) for e in events]
        emit_json(present.envelope("timeline", from_year=start, to_year=end,
                                   count=len(items), items=items))
    elif events:
        _renderer().timeline(events, corpus)
    if not events:
        raise NothingFound(f"no events between {start or 'the start'} and {end or 'today'}")


@commands.command()
def pillars(
    ctx: typer.Context,
    pillar: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        help="A pillar number (1-4), id or name; none shows all four.",
        autocompletion=_complete_from("pillars"), show_default=False)] = None,
    json_output: JsonOption = False,
) -> None:
    """The four pillars of the bilateral security model."""
    corpus = load_content(ctx, ("pillars", "stats", "sources"))
    chosen = list(corpus.pillars)
    if pillar is not None:
        try:
            chosen = [queries.find_pillar(corpus.pillars, pillar)]
        except queries.NotFound as error:
            if error.suggestions:
                usage_error(str(error), "PILLAR")
            usage_error(f"unknown pillar '{pillar}'; give a number from 1 to "
                        f"{len(corpus.pillars)}, an id or a name", "PILLAR")
    if wants_json(ctx, json_output):
        items = [present.with_figures(p, corpus, DEFAULT_LANGUAGE) for p in chosen]
        emit_json(present.envelope("pillars", query=pillar, count=len(items), items=items))
        return
    _renderer().pillars(chosen, corpus)


class UnitChoice(str, Enum):
    kg = "kg"
    lb = "lb"


@commands.command()
def stats(
    ctx: typer.Context,
    category: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        help="A category (seizures, violence, ...); none shows every figure.",
        autocompletion=_complete_from("stats"), show_default=False)] = None,
    unit: Annotated[Optional[UnitChoice], typer.Option(  # noqa: UP045
        "--unit", help="Show weights in this unit (kg or lb); the qualifier is kept.",
        show_default=False)] = None,
    chart: Annotated[bool, typer.Option(
        "--chart", help="Draw the figures that share a unit as horizontal bars.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Every figure in the article, by category, with qualifier, year and source."""
    corpus = load_content(ctx, ("stats", "sources"))
    try:
        chosen = queries.stats_in(corpus, category)
    except queries.NotFound as error:
        usage_error(str(error), "CATEGORY")
    target = unit.value if unit else None
    charted = figures.chartable(chosen, target) if chart else None
    shown_unit: str | None = target
    if chart:
        # --chart shows exactly the figures on the chart, in its unit, as text or as JSON.
        chosen, shown_unit = charted if charted else ([], None)
    if wants_json(ctx, json_output):
        items = [present.stat(s, corpus, DEFAULT_LANGUAGE,
                              shown_unit if shown_unit and figures.convertible(s, shown_unit)
                              else None)
                 for s in chosen]
        emit_json(present.envelope(
            "stats", category=category, unit=target,
            chart_unit=charted[1] if charted else None, count=len(items),
            categories=present.items(c for c in corpus.categories
                                     if any(s.category == c.id for s in chosen)),
            items=items))
    elif charted:
        _renderer().chart(*charted)
    elif not chart:
        _renderer().stats(chosen, corpus, target)
    if chart and not charted:
        raise NothingFound("no figures here share a unit to chart; try "
                           "'binatsec stats seizures --chart'")


def _listing(name: str, title: str, body: Sequence[tuple[str, str]]) -> Callable[..., None]:
    section = BY_NAME[name]

    def command(ctx: typer.Context, json_output: JsonOption = False) -> None:
        corpus = load_content(ctx, (section.name, "stats", "sources"))
        records = section.records(corpus)
        if wants_json(ctx, json_output):
            items = [present.with_figures(r, corpus, DEFAULT_LANGUAGE) for r in records]
            emit_json(present.envelope(name, count=len(items), items=items))
            return
        _renderer().simple_cards(title, records, body, corpus)

    command.__name__ = name
    return command


commands.command(name="cooperation", help="The areas of cooperation: intelligence, "
            "military exercises and law enforcement.")(
    _listing("cooperation", "Areas of cooperation", [("", "summary"), ("Example", "example")]))
commands.command(name="criticisms", help="Criticisms of the security model, and the responses.")(
    _listing("criticisms", "Criticisms and responses",
             [("Criticism", "claim"), ("Response", "response")]))
commands.command(name="outlook", help="Where the article expects cooperation to go next.")(
    _listing("outlook", "Outlook (the article's expectations)", [("", "summary")]))
commands.command(name="actions", help="Things readers can do, as the article suggests.")(
    _listing("actions", "What you can do", [("", "summary")]))
commands.command(name="sources", help="The bodies the article credits, and what for.")(
    _listing("sources", "Sources named in the article", [("", "role")]))


@commands.command()
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help="Words to look for in every section.")],
    section: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--section", "-s", help="Only these sections (repeatable).", show_default=False)] = None,
    limit: Annotated[int, typer.Option(
        "--limit", "-n", min=1, help="Show at most this many results.")] = 20,
    json_output: JsonOption = False,
) -> None:
    """Search every section; best matches first, with each hit's section and id."""
    for name in section or []:
        if name not in BY_NAME:
            error = queries.NotFound("section", name, list(BY_NAME))
            usage_error(str(error), "--section")
    text = " ".join(query).strip()
    if not queries.query_terms(text):
        usage_error("give at least one word to search for", "QUERY")
    corpus = load_content(ctx, None)
    wanted = [s for s in SECTIONS if not section or s.name in section]
    hits = queries.search([(s.name, s.records(corpus)) for s in wanted], text)
    total = len(hits)
    hits = hits[:limit]
    if wants_json(ctx, json_output):
        results = [{"section": h.section, "id": h.record.id, "score": h.score,
                    "title": h.title, "field": h.field, "text": h.text,
                    "matches": [list(span) for span in h.spans]} for h in hits]
        emit_json(present.envelope("search", query=text, total=total, count=len(results),
                                   hits=results))
    elif hits:
        _renderer().search(hits, text, total)
    if not hits:
        raise NothingFound(f"nothing matches '{text}'")


class ExportFormat(str, Enum):
    json = "json"
    csv = "csv"
    markdown = "markdown"


@commands.command(name="export")
def export_command(
    ctx: typer.Context,
    format_: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="json: every section; csv: the statistics table; "
        "markdown: every section as a document.")] = ExportFormat.json,
) -> None:
    """Write the whole corpus to stdout as JSON, CSV or Markdown."""
    # Imported here: csv and the Markdown writer are start-up cost for every other command.
    from binatsec import export

    corpus = load_content(ctx, None)
    if format_ is ExportFormat.json:
        emit_json(present.envelope("export", **present.corpus_document(
            corpus, [s.name for s in SECTIONS])))
    elif format_ is ExportFormat.csv:
        output.write_text(export.stats_csv(corpus))
    else:
        output.write_text(export.markdown(corpus))


@commands.command(name="lint")
def lint_command(
    ctx: typer.Context,
    path: Annotated[Optional[Path], typer.Argument(  # noqa: UP045
        help="A content folder to check, as it would layer over the bundled content; none "
        "checks the content in use.", show_default=False)] = None,
    standalone: Annotated[bool, typer.Option(
        "--standalone", help="Check PATH as a complete corpus on its own.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Check content files against the content spec; exit 1 if anything is wrong."""
    if standalone and path is None:
        usage_error("--standalone needs a PATH to check", "--standalone")
    overlay = path if path is not None else run_options(ctx).content_dir
    source = ContentSource(path, None) if standalone and path else ContentSource(
        bundled_content(), overlay)
    checked = str(path) if path else (str(overlay) if overlay else "bundled content")
    problems = lint(source)
    if wants_json(ctx, json_output):
        emit_json(present.envelope("lint", checked=checked, ok=not problems,
                                   count=len(problems),
                                   problems=[present.problem(p) for p in problems]))
    else:
        _renderer().problems(problems, checked)
    if problems:
        raise typer.Exit(1)



