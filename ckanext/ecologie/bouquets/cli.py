"""`ckan ecologie bouquets check`: the health of bouquets, for cron."""

from __future__ import annotations

from collections import defaultdict

import ckan.model as model
import ckan.plugins.toolkit as tk
import click

from ckanext.ecologie import mail
from ckanext.ecologie.bouquets import BOUQUET, health
from ckanext.ecologie.organizations import members


@click.group(short_help="Bouquets.")
def bouquets() -> None:
    pass


def _owner(bouquet: model.Package) -> tuple[str, list[model.User]]:
    """The owner's name and who to mail: the organisation's admins, or the creator."""
    if bouquet.owner_org:
        organization = model.Group.get(bouquet.owner_org)
        admins = members.admins(bouquet.owner_org)
        return (organization.title or organization.name) if organization else bouquet.owner_org, admins
    creator = model.User.get(bouquet.creator_user_id) if bouquet.creator_user_id else None
    return (creator.name if creator else "?"), [creator] if creator else []


@bouquets.command()
@click.option("--bouquet", "only", help="One bouquet (name or id).")
@click.option("--mail", "send_mail", is_flag=True, help="Send each owner the report of their bouquets.")
def check(only: str | None, send_mail: bool) -> None:
    """Report items whose dataset was deleted, made private or restricted,
    or whose address no longer answers, grouped by owner."""
    query = model.Session.query(model.Package).filter(model.Package.type == BOUQUET, model.Package.state == "active")
    if only:
        query = query.filter((model.Package.id == only) | (model.Package.name == only))
    reports: dict[str, list[str]] = defaultdict(list)
    recipients: dict[str, list[model.User]] = {}
    for bouquet in query.order_by(model.Package.name):
        problems = health.check(bouquet)
        if not problems:
            continue
        owner, users = _owner(bouquet)
        recipients[owner] = users
        for problem in problems:
            detail = f" ({problem['detail']})" if problem["detail"] else ""
            reports[owner].append(
                f"{bouquet.name}: {problem['label']}: {health.problem_label(problem['problem'])}{detail}"
            )
    for owner, lines in reports.items():
        click.echo(f"== {owner}")
        for line in lines:
            click.echo(f"  {line}")
        if send_mail:  # queued for `ckan jobs worker`, which sends them
            for user in recipients[owner]:
                if user.email and not mail.send_to_user(user, tk._("Bouquets to check"), "\n".join(lines)):
                    click.echo(f"  (mail to {user.name} not queued: see the log)", err=True)
    total = sum(len(lines) for lines in reports.values())
    click.echo(f"{total} problems in {len(reports)} owners' bouquets.")
