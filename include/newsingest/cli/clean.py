"""`newsingest clean`: run the cleaner on one saved page, or on JSON Lines from stdin."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


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
@click.argument("page", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="The page's URL (default: file:// URL of PAGE).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option(
    "--jsonl", is_flag=True, help='Read {"url": ..., "html": ...} lines on stdin, write one result each.'
)
@click.option("--min-chars", type=int, default=None, help="Shortest body kept (default 250 characters).")
def clean(page: Path | None, url: str | None, as_json: bool, jsonl: bool, min_chars: int | None) -> None:
    """Extract the article from PAGE (a saved HTML file) and print every field with its provenance."""
    from newsingest.clean.extract import MIN_BODY_CHARS, clean_page
    from newsingest.models import DroppedPage

    minimum = MIN_BODY_CHARS if min_chars is None else min_chars
    if jsonl:
        if page is not None:
            raise click.UsageError("--jsonl reads stdin; do not pass PAGE")
        for lineno, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("html"), str):
                    raise ValueError('expected an object with a string "html"')
                item_url = str(item.get("url") or f"stdin:{lineno}")
            except ValueError as exc:
                dropped = DroppedPage(
                    url=f"stdin:{lineno}", stage="clean", reason="bad_input", detail=f"line {lineno}: {exc}"
                )
                click.echo(json.dumps(_result_json(dropped), ensure_ascii=False))
                continue
            result = clean_page(item["html"], item_url, min_chars=minimum, source=item.get("source"))
            click.echo(json.dumps(_result_json(result), ensure_ascii=False))
        return
    if page is None:
        raise click.UsageError("give PAGE (an HTML file) or --jsonl")
    if not page.is_file():
        raise click.BadParameter(f"{page}: no such file", param_hint="PAGE")
    data = page.read_bytes()
    result = clean_page(data, url or page.resolve().as_uri(), min_chars=minimum)
    if as_json:
        click.echo(json.dumps(_result_json(result), ensure_ascii=False, indent=None))
    else:
        _print_human(result)


commands: list[click.Command] = [clean]
