"""`ckan ecologie agents load-mapping FILE | mapping | link USER SUBJECT`."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
import click
import requests
import yaml

from ckanext.ecologie.agents import accounts, mapping, provider


@click.group(short_help="Agents who log in with ProConnect: the organisation mapping.")
def agents() -> None:
    pass


@agents.command("load-mapping")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def load_mapping(path: str) -> None:
    """Replace the SIRET and e-mail domain mapping with the one of PATH (YAML).
    A wrong file changes nothing; agents' memberships follow at their next login."""
    try:
        with open(path, encoding="utf-8") as stream:
            document = yaml.safe_load(stream)
    except yaml.YAMLError as error:
        raise click.ClickException(f"{path} is not YAML: {error}") from error
    try:
        rules = mapping.parse(document)
    except tk.ValidationError as error:
        raise click.ClickException(
            "; ".join(f"{field}: {messages}" for field, messages in error.error_dict.items())
        ) from error
    mapping.replace(rules)
    click.echo(f"{len(rules)} rules loaded from {path}")


@agents.command("mapping")
def show_mapping() -> None:
    """Print the mapping in force, a rule per line."""
    for rule in mapping.listing():
        click.echo(f"{rule['organization']}\t{rule['kind']}\t{rule['value']}")


@agents.command("link")
@click.argument("user")
@click.argument("subject")
@click.option("--issuer", help="The provider's issuer (default: the configured provider's).")
def link(user: str, subject: str, issuer: str | None) -> None:
    """Let the ProConnect identity SUBJECT log into the existing account USER.
    The refused login wrote SUBJECT in the portal's log."""
    account = model.User.get(user)
    if account is None or account.state != "active":
        raise click.ClickException(f"no active account {user}")
    if not issuer:
        issuer = requests.get(provider.setting("discovery_url"), timeout=provider.TIMEOUT_SECONDS).json()["issuer"]
    click.echo(
        f"{account.name}: {account.fullname or '-'} <{account.email or '-'}>, created {account.created:%Y-%m-%d}: "
        "check with its owner that the account is theirs (CKAN does not verify addresses)."
    )
    try:
        accounts.link(issuer, subject, account)
    except accounts.LoginRefused as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{issuer} {subject} now logs into {account.name}")
