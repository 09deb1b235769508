"""`newsingest clean`: run the cleaner on one saved page, or on JSON Lines from stdin."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from newsingest.cli.stream import ON_ERROR, JsonlStream, open_input


def _result_json(result) -> dict:
    from newsingest.models import DroppedPage

    data = result.to_json()
    data["kind"] = "dropped" if isinstance(result, DroppedPage) else "article"
    return data


def _print_human(result) -> None:
    from newsingest.models import DroppedPage

    if isinstance(result, DroppedPage):
        click.echo(
            f"DROPPED  {result.url}\nreason:  {result.reason}"
            + (f"\ndetail:  {result.detail}" if result.detail else "")
        )
        return
    prov = result.provenance
    fields = (
        "title",
        "subtitle",
        "authors",
        "agency",
        "published",
        "modified",
        "canonical_url",
        "language",
        "section",
        "tags",
        "lead_image",
        "page_type",
        "access",
    )
    for name in fields:
        value = getattr(result, name)
        if isinstance(value, list):
            value = ", ".join(value)
        shown = "" if value in (None, "") else str(value)
        source = f"  [{prov[name]}]" if name in prov else ""
        click.echo(f"{name + ':':<15}{shown}{source}")
    click.echo(f"{'captions:':<15}{len(result.captions)}")
    click.echo(f"{'paragraphs:':<15}{len(result.paragraphs)}  [{prov.get('body', 'dom')}]\n")
    click.echo(result.body)
    if result.captions:
        click.echo("\n-- captions --")
        for caption in result.captions:
            click.echo(caption)


@click.command("clean")
@click.argument("page", required=False, metavar="[PAGE|-]")
@click.option("--url", default=None, help="The page's URL (default: file:// URL of PAGE).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option(
    "--jsonl",
    is_flag=True,
    help='Read {"url": ..., "html": ..., "id": ...} lines (PAGE or stdin), write one result line each.',
)
@ON_ERROR
@click.option("--min-chars", type=int, default=None, help="Shortest body kept (default 250 characters).")
def clean(
    page: str | None, url: str | None, as_json: bool, jsonl: bool, on_error: str, min_chars: int | None
) -> None:
    """Extract the article from PAGE (an HTML file, - for stdin); print every field with its provenance.

    With --jsonl, every input object gives exactly one output line, in input order: the article, or
    a dropped record ("kind": "dropped") for a page that is not one; an input "id" is copied to it.
    """
    from newsingest.clean.extract import MIN_BODY_CHARS, clean_page

    minimum = MIN_BODY_CHARS if min_chars is None else min_chars
    if jsonl:
        _clean_jsonl(page, minimum, on_error)
        return
    if page is None:
        raise click.UsageError("give PAGE (an HTML file, - for stdin) or --jsonl")
    if page == "-":
        data = sys.stdin.buffer.read()
        page_url = url or "stdin:"
    else:
        path = Path(page)
        if not path.is_file():
            raise click.BadParameter(f"{page}: no such file", param_hint="PAGE")
        data = path.read_bytes()
        page_url = url or path.resolve().as_uri()
    result = clean_page(data, page_url, min_chars=minimum)
    if as_json:
        click.echo(json.dumps(_result_json(result), ensure_ascii=False, indent=None))
    else:
        _print_human(result)


def _clean_jsonl(page: str | None, minimum: int, on_error: str) -> None:
    from newsingest.clean.extract import clean_page

    source, name = open_input(page)
    stream = JsonlStream(source, name, on_error=on_error)
    try:
        for lineno, item in stream.records():
            if not isinstance(item.get("html"), str):
                stream.bad(lineno, 'expected an object with a string "html"')
                continue
            item_url = str(item.get("url") or f"{name}:{lineno}")
            result = clean_page(item["html"], item_url, min_chars=minimum, source=item.get("source"))
            record = _result_json(result)
            if item.get("id") is not None:
                record["id"] = item["id"]
            stream.write(record)
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    stream.finish()


commands: list[click.Command] = [clean]
