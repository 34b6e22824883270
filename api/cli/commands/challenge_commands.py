"""`duijie challenges`: challenge lists condensed from needs (需求凝练, 榜单), and their edits."""

from __future__ import annotations

import sys

import click

from duijie.api.cli.commands import SuggestingGroup
from duijie.api.cli.context import AppContext, echo_json, json_option, pass_app
from duijie.api.cli.words import catalog_word_or, cli_word, joined, pad


def stage_words(stage: str) -> str:
    """A clustering stage in the CLI's language, in the challenges page's words.

    >>> import os; os.environ.pop("DUIJIE_LANG", None) and None
    >>> stage_words("reading"), stage_words("odd")
    ('正在读取未结需求', 'odd')
    """
    return catalog_word_or(f"challenges_stage_{stage}", stage)


@click.group(cls=SuggestingGroup, invoke_without_command=True)
@click.option("--region", help="Only needs of firms in this region (or a region within it).")
@click.option("--industry", help="Only needs of firms of this industry.")
@click.option("--suppliers", type=int, default=5, show_default=True,
              help="Experts and institutes ranked per theme (0: none, quicker).")
@json_option
@click.pass_context
def challenges(ctx: click.Context, region: str | None, industry: str | None, suppliers: int,
               as_json: bool) -> None:
    """Themes of similar needs across firms, with their firms and best-placed helpers.

    The number of themes is the one with the best silhouette (see --json's criterion).
    Themes are stored by a run (`duijie challenges recompute`, or the first listing) and
    listed from the store; organisers rename, merge and split them, and edits survive
    the next run.

    \b
    Example:
      duijie challenges --region 丽水
      duijie challenges --industry 纺织印染 --json
      duijie challenges rename theme:1a2b3c4d5e6f 碳纤维复合材料榜 --rev 0
    """
    if ctx.invoked_subcommand is not None:
        return
    from duijie.api.services.challenges import challenge_lists

    app: AppContext = ctx.find_object(AppContext)
    result = challenge_lists(app.store, region=region, industry=industry, suppliers=suppliers)
    if as_json:
        echo_json(result.to_dict())
        return
    d = result.to_dict()
    scope = "·".join(x for x in (region, industry) if x) or cli_word("challenges_all")
    score = "—" if d["silhouette"] is None else f"{d['silhouette']:.3f}"
    click.echo(cli_word("challenges_head", scope=scope, count=d["count"],
                        needs=d["needs_total"], k=d["k"], score=score,
                        at=(d["computed_at"] or "—")[:16]))
    if d["unthemed"]:
        click.echo(cli_word("challenges_unthemed", count=d["unthemed"]))
    for i, theme in enumerate(d["themes"], 1):
        mark = cli_word("challenges_pinned") if theme["pinned"] else ""
        click.echo(f"{i}. {theme['name']}{mark} [{theme['id']} --rev {theme['rev']}]")
        click.echo(cli_word("challenges_terms", terms=joined(theme["terms"]) or "—"))
        click.echo(cli_word("challenges_firms", firms=joined(f["name"] for f in theme["firms"])))
        for need in theme["needs"]:
            click.echo(cli_word("challenges_need", need=need["title"],
                                firm=need["firm_name"] or "—"))
        if theme["suppliers"]:
            click.echo(cli_word("challenges_suppliers",
                                suppliers=joined(s["name"] for s in theme["suppliers"])))


@challenges.command("recompute")
@json_option
@pass_app
def recompute(app: AppContext, as_json: bool) -> None:
    """Cluster the open needs again and store the themes (edited themes keep their needs
    and take the new needs closest to them). Runs in the foreground, its stages and
    progress on stderr; Ctrl-C cancels it and nothing is written.

    \b
    Example:
      duijie challenges recompute
    """
    from duijie.api.jobs import Job, run_in_foreground
    from duijie.api.services.challenges import recompute_challenges

    shown = {"stage": None}

    def report(progress, stage: str, done: int = 0, total: int = 0) -> None:
        progress(stage, done, total)
        words = stage_words(stage)
        if sys.stderr.isatty():
            counted = f"{words} {done}/{total}" if total else words
            click.echo("\r" + pad(cli_word("challenges_stage", stage=counted), 48), err=True,
                       nl=False)
        elif stage != shown["stage"]:  # a log: one line a stage
            click.echo(cli_word("challenges_stage", stage=words)
                       + (cli_word("challenges_stage_total", total=total) if total else ""),
                       err=True)
        shown["stage"] = stage

    job = Job(lambda progress, cancelled: recompute_challenges(
        app.store, progress=lambda *a: report(progress, *a), cancelled=cancelled),
        name="recompute challenges")
    run = run_in_foreground(job)
    if sys.stderr.isatty():
        click.echo("", err=True)
    if as_json:
        echo_json(run.to_dict())
        return
    grouped = (cli_word("challenges_k", k=run.k) if run.k
               else cli_word("challenges_all_pinned"))
    click.echo(cli_word("challenges_recomputed", needs=run.needs, themes=run.themes,
                        pinned=run.pinned, grouped=grouped))


@challenges.command("rename")
@click.argument("theme")
@click.argument("name")
@click.option("--rev", type=int, required=True, help="The theme's rev as last listed.")
@json_option
@pass_app
def rename(app: AppContext, theme: str, name: str, rev: int, as_json: bool) -> None:
    """Give a theme a name of the organiser's choosing.

    \b
    Example:
      duijie challenges rename theme:1a2b3c4d5e6f 碳纤维复合材料榜 --rev 0
    """
    from duijie.api.services.challenges import rename_theme

    _done(rename_theme(app.store, theme, name, rev=rev), as_json)


@challenges.command("merge")
@click.argument("themes", nargs=-1, required=True)
@click.option("--rev", "revs", type=int, multiple=True, required=True,
              help="Each theme's rev as last listed, in the same order.")
@click.option("--name", help="The merged theme's name.")
@json_option
@pass_app
def merge(app: AppContext, themes: tuple[str, ...], revs: tuple[int, ...], name: str | None,
          as_json: bool) -> None:
    """Merge themes into the first one named.

    \b
    Example:
      duijie challenges merge theme:1a2b3c4d5e6f theme:0f9e8d7c6b5a --rev 0 --rev 0
    """
    from duijie.api.services.challenges import merge_themes

    _done(merge_themes(app.store, list(themes), revs=list(revs), name=name), as_json)


@challenges.command("split")
@click.argument("theme")
@click.option("--need", "needs", multiple=True, required=True,
              help="A need to move into the new theme (repeat).")
@click.option("--rev", type=int, required=True, help="The theme's rev as last listed.")
@click.option("--name", help="The new theme's name.")
@json_option
@pass_app
def split(app: AppContext, theme: str, needs: tuple[str, ...], rev: int, name: str | None,
          as_json: bool) -> None:
    """Move some needs of a theme into a new theme.

    \b
    Example:
      duijie challenges split theme:1a2b3c4d5e6f --need need:abc --rev 1 --name 轻量化
    """
    from duijie.api.services.challenges import split_theme

    _done(split_theme(app.store, theme, list(needs), rev=rev, name=name), as_json)


def _done(result, as_json: bool) -> None:
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(cli_word(f"challenges_{result.action}", themes=joined(result.theme_ids),
                            pinned=result.pinned))


def register(group: click.Group) -> None:
    group.add_command(challenges)
