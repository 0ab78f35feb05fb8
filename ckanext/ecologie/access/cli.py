"""`ckan ecologie access grant|revoke|list|expire`."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import click

from ckanext.ecologie.access import grants
from ckanext.ecologie.contexts import site_context


def _call(action: str, **data: Any) -> Any:
    try:
        return tk.get_action(action)(site_context(), data)
    except tk.ValidationError as error:
        raise click.ClickException(
            "; ".join(f"{field}: {', '.join(map(str, messages))}" for field, messages in error.error_dict.items())
        ) from error
    except tk.ObjectNotFound as error:
        raise click.ClickException(str(error) or "not found") from error


def _targets(dataset: str | None, organization: str | None) -> dict[str, str]:
    """Ids of the dataset and organisation given by name or id (left as
    given when unknown: the action says what is wrong)."""
    targets = {}
    if dataset:
        package = model.Package.get(dataset)
        targets["package_id"] = package.id if package else dataset
    if organization:
        group = model.Group.get(organization)
        targets["organization_id"] = group.id if group else organization
    return targets


@click.group(short_help="Grants of restricted data.")
def access() -> None:
    pass


@access.command()
@click.argument("user")
@click.option("--dataset", help="The dataset (name or id).")
@click.option("--organization", help="Every dataset of this organisation (name or id).")
@click.option("--expires", help="End of the grant, YYYY-MM-DD.")
def grant(user: str, dataset: str | None, organization: str | None, expires: str | None) -> None:
    """Let USER use restricted data."""
    data: dict[str, Any] = {"user": user, **_targets(dataset, organization)}
    if expires:
        data["expires"] = expires
    result = _call("ecologie_access_grant_create", **data)
    click.secho(f"Granted: {result['id']} (until {result['expires'] or 'revoked'})", fg="green")


@access.command()
@click.argument("grant_id")
def revoke(grant_id: str) -> None:
    """Revoke a grant by its id."""
    _call("ecologie_access_grant_delete", id=grant_id)
    click.secho(f"Revoked: {grant_id}", fg="green")


@access.command(name="list")
@click.option("--user")
@click.option("--dataset")
@click.option("--organization")
def list_grants(user: str | None, dataset: str | None, organization: str | None) -> None:
    """List grants."""
    data = {"user": user, **_targets(dataset, organization)}
    for item in _call("ecologie_access_grant_list", **{key: value for key, value in data.items() if value}):
        target = f"dataset {item['package_id']}" if item["package_id"] else f"organization {item['organization_id']}"
        click.echo(f"{item['id']}  {item['user']}  {target}  until {item['expires'] or '-'}")


@access.command()
def expire() -> None:
    """Record and remove the grants past their end date (run it from cron).
    Access already ends at the end date, whether this has run or not."""
    count = grants.expire_due()
    model.Session.commit()
    click.echo(f"{count} grants expired.")
