"""The read commands, one short function each: parse, query, build a result, respond.

A kind of content that needs no options of its own gets a command made from the registry
of kinds (`_listing`), so a new kind is a command with no code here.
"""


import os
from collections.abc import Callable, Iterator
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperCommand
from typer.models import CommandInfo

from binatsec import figures, formats, queries, results
from binatsec.cli import quiz_options  # the quiz's options, shared by myths --quiz
from binatsec.cli.session import ALL_LANGUAGES, JsonOption, respond, session, usage_error
from binatsec.corpus import kinds, resources
from binatsec.corpus.kinds import Kind
from binatsec.corpus.loader import ContentSource, lint
from binatsec.corpus.problems import ContentError
from binatsec.corpus.records import LANGUAGES, Corpus, Record
from binatsec.corpus.spec import YEAR_RANGE
from binatsec.environment import CacheDirError, Folders
from binatsec.i18n import _, composed
from binatsec.quiz import DEFAULT_COUNT

# Commands with options of their own; every other section gets `_listing`.
registry = typer.Typer()
TOOLS = ("search", "export", "lint")


def names() -> list[str]:
    """Every read command, sections first, in the registry's order."""
    return [*(kind.name for kind in kinds.sections()), *TOOLS]


@cache
def _custom() -> dict[str, CommandInfo]:
    return {info.name or typer.main.get_command_name(info.callback.__name__): info
            for info in registry.registered_commands if info.callback is not None}


def info(name: str) -> CommandInfo | None:
    if name == "export":
        return _export_info()
    if name in _custom():
        return _custom()[name]
    kind = kinds.get(name)
    if kind is None or not kind.is_section:
        return None
    return CommandInfo(name=name, callback=_listing(kind), cls=_section_command(kind),
                       help=f"{kind.title}: {kind.summary}.")


def _section_command(kind: Kind) -> type[TyperCommand]:
    """A section's command, whose help line (the kind's title and summary) is said in the
    language of the run as its help is shown (cli/helpformat.py's `localize`)."""

    class SectionCommand(TyperCommand):
        def help_in_language(self) -> str:
            return _("{title}: {summary}.").format(title=_(kind.title),
                                                   summary=_(kind.summary))

    return SectionCommand


# --- shell completion -------------------------------------------------------------------------


def _completion_corpus(ctx: typer.Context | None) -> Corpus | None:
    """The corpus a completion offers values from: with the user's folder, given by
    --content-dir earlier on the command line or by BINATSEC_CONTENT_DIR."""
    given = ctx.find_root().params.get("content_dir") if ctx is not None else None
    folder = str(given or os.environ.get(resources.CONTENT_DIR_ENV, "")).strip()
    folders = session(ctx).env.folders if ctx is not None else Folders(os.environ)
    try:
        return ContentSource(resources.bundled_content(), Path(folder) if folder else None,
                             folders.cache()).load()
    except (ContentError, CacheDirError):
        return None


def complete_ids(*kind_names: str) -> Callable[..., Iterator[str]]:
    """Shell completion from the content itself: a kind's ids, whole ("faq.merida-…") once
    the word has a dot, else their short forms (and a category's plain ids)."""

    def complete(ctx: typer.Context | None = None, incomplete: str = "") -> Iterator[str]:
        corpus = _completion_corpus(ctx)
        if corpus is None:
            return
        ids = [record.id for name in kind_names for record in corpus.of(name)]
        values = ids if "." in incomplete else [i.split(".", 1)[-1] for i in ids]
        yield from (value for value in values if value.casefold().startswith(
            incomplete.casefold()))

    return complete


def complete_years(ctx: typer.Context | None = None, incomplete: str = "") -> Iterator[str]:
    """The years the timeline holds, for --from and --to."""
    corpus = _completion_corpus(ctx)
    years = sorted({y for e in corpus.timeline for y in (e.year, e.end_year) if y}) \
        if corpus is not None else []
    yield from (str(year) for year in years if str(year).startswith(incomplete))


def complete_sections(incomplete: str) -> list[str]:
    return [k.name for k in kinds.sections() if k.name.startswith(incomplete.casefold())]


def complete_kinds(incomplete: str) -> list[str]:
    return [k.name for k in kinds.all_kinds() if k.name.startswith(incomplete.casefold())]


def complete_formats(incomplete: str) -> list[str]:
    return [word for word in formats.words() if word.startswith(incomplete.casefold())]


def complete_export_sections(ctx: typer.Context | None = None,
                             incomplete: str = "") -> list[str]:
    """The sections the chosen --format can write (every kind, when it is not given yet)."""
    given = ctx.params.get("format_") if ctx is not None else None
    fmt = formats.get(given) if isinstance(given, str) else None
    choices = fmt.writer.choices() if fmt is not None else kinds.all_kinds()
    return [k.name for k in choices if k.name.startswith(incomplete.casefold())]


# --- the sections -----------------------------------------------------------------------------


def _chosen(ctx: typer.Context, kind: Kind, query: list[str] | None) -> tuple[list[Any], str]:
    """The records of `kind` a query names (all without one), and why none, if none."""
    corpus = session(ctx).corpus()
    text = " ".join(query or []).strip()
    records = kind.in_order(corpus.of(kind.name))
    if not text:
        return records, ""
    chosen = queries.look_up(kind, records, text, session(ctx).language)
    missing = "" if chosen else _("nothing in {section} matches '{text}'; try 'binatsec "
                                  "search {text}' or 'binatsec {section}' for the "
                                  "list").format(section=kind.name, text=text)
    return chosen, missing


def _asked(query: list[str] | None) -> str | None:
    """The query as a listing's JSON echoes it: the words given, or None for none."""
    return " ".join(query or []).strip() or None


def _query_of(kind_name: str) -> Any:
    """The QUERY argument of a listing command, completing that kind's ids."""
    return Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Argument(help="An id (whole or after its dot) or words to look for, in any "
                       "case; none lists all.", metavar="[ID-OR-WORDS]...",
                       autocompletion=complete_ids(kind_name), show_default=False)]


def _listing(kind: Kind) -> Callable[..., None]:
    def command(ctx: typer.Context, query: _query_of(kind.name) = None,  # type: ignore[valid-type]
                json_output: JsonOption = False) -> None:
        run = session(ctx)
        chosen, missing = _chosen(ctx, kind, query)
        respond(ctx, results.Listing(kind, chosen, run.corpus(), query=_asked(query),
                                     language=run.language, missing=missing),
                json_output)

    command.__name__ = kind.name
    return command


@registry.command(epilog="""Examples:
    binatsec faq
    binatsec faq merida
    binatsec faq merida-initiative --json""")
def faq(
    ctx: typer.Context,
    query: Annotated[
        Optional[list[str]],  # noqa: UP045 - Typer reads this annotation at run time
        typer.Argument(help="An id (merida-initiative) or words to look for; none lists all.",
                       metavar="ID-OR-WORDS...", autocompletion=complete_ids("faq"),
                       show_default=False),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Frequently asked questions: list them, or answer one by id or words."""
    run = session(ctx)
    text = " ".join(query or []).strip()
    entries, missing = _chosen(ctx, kinds.named("faq"), query)
    if missing:  # the FAQ's own words for it: people ask it questions
        missing = _("no question matches '{text}'; try 'binatsec search {text}' or "
                    "'binatsec faq' for the list").format(text=text)
    respond(ctx, results.Listing(kinds.named("faq"), entries, run.corpus(),
                                 query=text or None, language=run.language, missing=missing),
            json_output)


@registry.command(epilog="""Examples:
    binatsec myths
    binatsec myths merida
    binatsec myths drugs --quiz --count 3""")
def myths(
    ctx: typer.Context,
    query: _query_of("myths") = None,  # type: ignore[valid-type]
    json_output: JsonOption = False,
    quiz: Annotated[bool, typer.Option(
        "--quiz", help="Quiz yourself instead: myth or fact? The same as 'binatsec quiz "
        "--topic myths', with the quiz's options below (answers from stdin when it is not "
        "a terminal); with ID-OR-WORDS, only on the myths they find.")] = False,
    count: quiz_options.CountOption = DEFAULT_COUNT,
    seed: quiz_options.SeedOption = None,
    answers: quiz_options.AnswersOption = None,
    no_save: quiz_options.NoSaveOption = False,
    review: quiz_options.ReviewOption = False,
    no_input: quiz_options.NoInputOption = False,
    print_sheet: quiz_options.PrintOption = False,
    sheet_format: quiz_options.SheetFormatOption = None,
    output: quiz_options.SheetOutputOption = None,
    paper: quiz_options.PaperOption = None,
) -> None:
    """Common myths about the cooperation, each beside the reality; with --quiz, a quiz."""
    if quiz:
        _myths_quiz(ctx, query, count=count, seed=seed, answers=answers, save=not no_save,
                    review=review, json_output=json_output, no_input=no_input,
                    print_sheet=print_sheet, sheet_format=sheet_format, output=output,
                    paper=paper)
        return
    given = quiz_options.quiz_options_given(ctx)
    if given:
        usage_error(_("{option} is a quiz option: add --quiz (binatsec myths --quiz "
                      "{option} ...)").format(option=given[0]))
    run = session(ctx)
    chosen, missing = _chosen(ctx, kinds.named("myths"), query)
    respond(ctx, results.Listing(kinds.named("myths"), chosen, run.corpus(),
                                 query=_asked(query), language=run.language, missing=missing),
            json_output)


def _myths_quiz(ctx: typer.Context, query: list[str] | None, **options: Any) -> None:
    """`myths [ID-OR-WORDS] --quiz`: a quiz on the myths the look-up finds (every myth
    without one); when it finds none, "nothing found" as `myths` says it (exit 1)."""
    import shlex

    from binatsec.cli.quiz import play_quiz

    kind = kinds.named("myths")
    text = _asked(query)
    if text is None:
        play_quiz(ctx, "myths", replay="binatsec myths --quiz", **options)
        return
    run = session(ctx)
    chosen, missing = _chosen(ctx, kind, query)
    if missing:
        respond(ctx, results.Listing(kind, chosen, run.corpus(), query=text,
                                     language=run.language, missing=missing),
                options["json_output"])
        return
    scope = (_("On the {count} myths that match '{text}'.").format(count=len(chosen), text=text)
             if len(chosen) > 1 else
             _("On the one myth that matches '{text}'.").format(text=text))
    play_quiz(ctx, "myths", replay=f"binatsec myths {shlex.join(query or [])} --quiz",
              within=[record.id for record in chosen], query=text, scope=scope, **options)


def _year(value: int | None, name: str) -> int | None:
    if value is not None and not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        usage_error(_("year {year} is out of range; use a year from {first} to "
                      "{last}").format(year=value, first=YEAR_RANGE[0], last=YEAR_RANGE[1]),
                    name)
    return value


@registry.command(epilog="""Examples:
    binatsec timeline --from 2008
    binatsec timeline nafta
    binatsec timeline --from 2008 --to 2020 --json""")
def timeline(
    ctx: typer.Context,
    query: _query_of("timeline") = None,  # type: ignore[valid-type]
    start: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--from", help="Only events in or after this year.", metavar="YEAR",
        autocompletion=complete_years,
        show_default=False)] = None,
    end: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--to", help="Only events in or before this year.", metavar="YEAR",
        autocompletion=complete_years,
        show_default=False)] = None,
    json_output: JsonOption = False,
) -> None:
    """Dated events, oldest first, with the figures that go with them."""
    _year(start, "--from")
    _year(end, "--to")
    if start is not None and end is not None and start > end:
        usage_error(_("--from {start} is after --to {end}; give the earlier year to "
                      "--from").format(start=start, end=end))
    run = session(ctx)
    corpus = run.corpus()
    named, missing = _chosen(ctx, kinds.named("timeline"), query)
    events = [e for e in queries.timeline_between(corpus.timeline, start, end) if e in named]
    if not events and not missing:
        text = " ".join(query or []).strip()
        first, last = start or _("the start"), end or _("today")
        missing = (_("no events matching '{text}' between {start} and {end}") if text
                   else _("no events between {start} and {end}")).format(
                       text=text, start=first, end=last)
        if text:
            missing += _("; try 'binatsec timeline {text}' without the years").format(text=text)
    respond(ctx, results.Listing(kinds.named("timeline"), events, corpus,
                                 query=_asked(query),
                                 options=(("from_year", start), ("to_year", end)),
                                 language=run.language,
                                 missing=missing), json_output)


@registry.command(epilog="""Examples:
    binatsec pillars
    binatsec pillars 2
    binatsec pillars 'community engagement'""")
def pillars(
    ctx: typer.Context,
    pillar: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        help="A pillar number (1-4), id or name; none shows all four.", metavar="PILLAR",
        autocompletion=complete_ids("pillars"), show_default=False)] = None,
    json_output: JsonOption = False,
) -> None:
    """The four pillars of the bilateral security model."""
    run = session(ctx)
    corpus = run.corpus()
    chosen = list(corpus.pillars)
    text = (pillar or "").strip()
    missing = ""
    if text:
        allowed = _("give a number from 1 to {last}, an id or a name").format(
            last=len(corpus.pillars))
        try:
            chosen = [queries.find_one(kinds.named("pillars"), corpus.pillars, text,
                                       run.language)]
        except queries.NotFound as error:
            if _numeric(text):  # a number outside 1..N: a value outside a closed set
                usage_error(str(error) if error.suggestions else
                            _("unknown pillar '{text}'; {allowed}").format(
                                text=text, allowed=allowed), "PILLAR")
            # Words that find nothing, as on every command: exit 1.
            chosen = []
            hint = (_("did you mean '{name}'?").format(name=error.suggestions[0])
                    if error.suggestions else
                    _("{allowed}, or try 'binatsec search {text}'").format(allowed=allowed,
                                                                            text=text))
            missing = _("no pillar matches '{text}'; {hint}").format(text=text, hint=hint)
    respond(ctx, results.Listing(kinds.named("pillars"), chosen, corpus,
                                 query=pillar, language=run.language, missing=missing),
            json_output)


def _numeric(text: str) -> bool:
    """Whether `text` reads as a number (in any script, signed or with a decimal point):
    a pillar number outside the range, not words to look for."""
    digits = text.strip().lstrip("+-")
    return any(c.isdigit() for c in digits) and all(c.isdigit() or c in ".," for c in digits)


class UnitChoice(str, Enum):
    kg = "kg"
    lb = "lb"


def _credited_kinds() -> list[Kind]:
    return [kind for kind in kinds.all_kinds() if kind.credited]


@registry.command(epilog="""Examples:
    binatsec stats seizures --unit lb
    binatsec stats --source pew
    binatsec stats --chart""")
def stats(
    ctx: typer.Context,
    category: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        help="A category (seizures, violence, ...), a figure's id, or words, in any case; "
        "none shows every figure.",
        metavar="CATEGORY",
        autocompletion=complete_ids("categories", "stats"), show_default=False)] = None,
    source: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--source", help="Only the figures the article credits to this source: its id, "
        "or words of its name (pew, 'state department'); see 'binatsec sources'.",
        metavar="SOURCE", autocompletion=complete_ids(*(k.name for k in _credited_kinds())),
        show_default=False)] = None,
    unit: Annotated[Optional[UnitChoice], typer.Option(  # noqa: UP045
        "--unit", help="Show weights in this unit (kg or lb); the qualifier is kept.",
        show_default=False)] = None,
    chart: Annotated[bool, typer.Option(
        "--chart", help="Draw the figures that share a unit as horizontal bars.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Every figure in the article, by category, with qualifier, year and source."""
    run = session(ctx)
    corpus = run.corpus()
    asked = category.strip() if category and category.strip() else None
    credited = _credited_source(corpus, source, run.language) if source is not None else None
    missing = ""
    try:
        chosen, category = queries.stats_in(corpus, kinds.named("stats"), category)
    except queries.NotFound as error:
        # Words that find nothing, as on every command: exit 1, with any close category.
        chosen, category = [], None
        if error.suggestions:
            missing = _("nothing in stats matches '{text}'; did you mean '{name}'?").format(
                text=asked, name=error.suggestions[0])
        else:
            missing = _("nothing in stats matches '{text}' (categories: {categories}); try "
                        "'binatsec search {text}'").format(text=asked,
                                                           categories=", ".join(error.choices))
    if credited is not None:
        chosen = [s for s in chosen if s.attribution == credited.id]
        if not chosen and not missing:
            missing = (_("the article credits no figure matching '{text}' to the {source}; see "
                         "'binatsec sources {id}' for what it is credited with") if asked
                       else _("the article credits no figure to the {source}; see 'binatsec "
                              "sources {id}' for what it is credited with")).format(
                text=asked, source=queries.title_of(credited, run.language), id=credited.id)
    target = unit.value if unit else None
    shown_unit, left_out = target, []
    if chart:
        # --chart shows exactly the figures on the chart, in its unit, as text or as JSON,
        # and says which it left out.
        charted = figures.chartable(chosen, target)
        left_out = [s for s in chosen if not charted or s not in charted[0]]
        chosen, shown_unit = charted if charted else ([], None)
        if not charted and not missing:
            missing = ("no figures here share a unit to chart; try "
                       "'binatsec stats seizures --chart'")
    respond(ctx, results.Figures(chosen, corpus, category, target, shown_unit, chart,
                                 run.language, missing=missing, left_out=left_out,
                                 query=asked,
                                 source=credited.id if credited is not None else None),
            json_output)


def _credited_source(corpus: Corpus, wanted: str, language: str) -> Record:
    """The source `--source` names (by id or words of its name); a usage error, with the
    closest source, when none matches: the sources are a closed set."""
    credited = _credited_kinds()
    records = [record for kind in credited for record in corpus.of(kind.name)]
    text = wanted.strip()
    for kind in credited:
        found = queries.look_up(kind, corpus.of(kind.name), text, language) if text else []
        if found:
            return found[0]
    return usage_error(str(queries.NotFound("source", text, [r.id for r in records])),
                       "--source")


# --- across sections -------------------------------------------------------------------------


@registry.command(epilog="""Examples:
    binatsec search fentanyl
    binatsec search merida --section faq --section timeline
    binatsec search fentanyl --limit 3 --json""")
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help="Words to look for in every section.",
                                               metavar="WORDS...")],
    section: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--section", "-s", autocompletion=complete_sections,
        help="Only this section (faq, myths, stats, ...); repeat it for "
        "several.", metavar="SECTION", show_default=False)] = None,
    limit: Annotated[int, typer.Option(
        "--limit", "-n", min=1, help="Show at most this many results.")] = 20,
    json_output: JsonOption = False,
) -> None:
    """Search every section; best matches first, with each hit's section and id."""
    section_names = [kind.name for kind in kinds.sections()]
    for name in section or []:
        if name not in section_names:
            usage_error(str(queries.NotFound("section", name, section_names)), "--section")
    text = " ".join(query).strip()
    if not queries.query_terms(text):
        usage_error("give at least one word to search for", "QUERY")
    run = session(ctx)
    corpus = run.corpus()
    wanted = [k for k in kinds.sections() if not section or k.name in section]
    # An argument with a space in it ("human smuggling") is a phrase: its words in order.
    found = queries.find([(k.name, corpus.of(k.name)) for k in wanted],
                         queries.quote_phrases(query), run.language, corpus, limit)
    hits, searched_for = found.hits, found.searched_for(text)
    missing = ""
    if not found.total:
        missing = (_("nothing matches '{text}' or '{also}'") if searched_for
                   else _("nothing matches '{text}'")).format(text=text, also=searched_for)
        if found.suggestions:
            missing += _("; try: {words}").format(words=", ".join(found.suggestions))
    respond(ctx, results.Found(text, hits, found.total, searched_for=searched_for,
                               language=run.language, missing=missing), json_output)



EXPORT_EPILOG = """Examples:
    binatsec export > corpus.json
    binatsec export --format csv --section timeline
    binatsec export --format markdown --section faq --section myths"""


def _export_info() -> CommandInfo:
    """`export`, made each time it is built: its --format choices and help come from the
    registry of formats, which a test or a plugin may have grown."""
    words = formats.words()

    def export(
        ctx: typer.Context,
        format_: Annotated[str, typer.Option(
            "--format", "-f", help=formats.help_text(), metavar=f"[{'|'.join(words)}]",
            autocompletion=complete_formats)] = "json",
        section: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
            "--section", "-s", help="Only this section (faq, myths, stats, ...), in any "
            "format; repeat it for several.", metavar="SECTION", show_default=False,
            autocompletion=complete_export_sections)] = None,
        output: Annotated[Optional[Path], typer.Option(  # noqa: UP045
            "--output", "-o", help="Write to this file instead of stdout, in one step (a "
            "reader never sees half a file); '-' for stdout.", metavar="FILE", dir_okay=False,
            allow_dash=True, show_default=False)] = None,
        json_output: Annotated[bool, typer.Option(
            "--json", help="The same as --format json, as every other command takes it.")] = False,
    ) -> None:
        fmt = formats.named("json") if json_output else formats.get(format_)
        if fmt is None:
            usage_error(str(queries.NotFound("format", format_, words)), "--format")
        if section and "section" not in fmt.options:
            usage_error(_("{format} writes every section; leave out --section").format(
                format=fmt.name), "--section")
        try:
            chosen = formats.sections(fmt, section or [])
        except (queries.NotFound, formats.SectionError) as error:
            usage_error(str(error), "--section")
        run = session(ctx)
        if output == Path("-"):  # stdout, as for every Unix tool; Path() drops a "./", so a
            output = None  # file named '-' is given with its folder: "$PWD/-"
        if fmt.binary and output is None and run.env.stdout_is_terminal:
            usage_error(_("{format} is binary, not for a terminal: give --output "
                          "FILE{suffix}, or redirect stdout").format(format=fmt.name,
                                                                    suffix=fmt.suffix),
                        "--output")
        editions: tuple[str, ...] = ()
        if fmt.bilingual and (run.language == ALL_LANGUAGES or not run.language_given):
            first = run.language if run.language in LANGUAGES else LANGUAGES[0]
            editions = (first, *(code for code in LANGUAGES if code != first))
        respond(ctx, results.Export(run.corpus(), fmt, chosen, run.language, output=output,
                                    ascii_only=output is None and not run.env.unicode,
                                    editions=editions))

    def export_help() -> str:
        names = [fmt.name for fmt in formats.all_formats()]
        return _("Write the whole corpus, or some of its sections, to stdout or a file: "
                 "{formats} or {last}.").format(formats=", ".join(names[:-1]), last=names[-1])

    export.__doc__ = composed(export_help)
    return CommandInfo(name="export", callback=export, epilog=EXPORT_EPILOG)


@registry.command(name="lint", epilog="""Examples:
    binatsec lint
    binatsec lint my-content
    binatsec lint my-content --standalone --json""")
def lint_command(
    ctx: typer.Context,
    path: Annotated[Optional[Path], typer.Argument(  # noqa: UP045
        help="A content folder to check, as it would layer over the bundled content; none "
        "checks the content in use.", metavar="PATH", show_default=False)] = None,
    standalone: Annotated[bool, typer.Option(
        "--standalone", help="Check PATH as a complete corpus on its own.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Check content files against the content spec; exit 1 if anything is wrong.

    Warnings (text that binatsec cleans before showing it) are listed but do not fail.
    """
    if standalone and path is None:
        usage_error("--standalone needs a PATH to check", "--standalone")
    run = session(ctx)
    overlay = path if path is not None else run.content_dir
    source = ContentSource(path, None, run.cache_folder()) if standalone and path else \
        ContentSource(resources.bundled_content(), overlay, run.cache_folder())
    checked = str(path) if path else (str(overlay) if overlay else "bundled content")
    problems, truncated = lint(source)
    respond(ctx, results.LintReport(checked, problems, truncated, run.language), json_output)
    if any(problem.is_error for problem in problems):
        raise typer.Exit(1)

