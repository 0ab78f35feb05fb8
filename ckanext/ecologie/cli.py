"""`ckan ecologie ...`: one command group per capability."""

from __future__ import annotations

import click

from ckanext.ecologie.access.cli import access
from ckanext.ecologie.agents.cli import agents
from ckanext.ecologie.bouquets.cli import bouquets
from ckanext.ecologie.doctor.cli import doctor
from ckanext.ecologie.harvest.cli import harvest_group, sources_group
from ckanext.ecologie.themes.cli import themes


@click.group(short_help="ckanext-ecologie: themes, bouquets, access, harvest sources, agents.")
def ecologie() -> None:
    pass


ecologie.add_command(themes)
ecologie.add_command(access)
ecologie.add_command(bouquets)
ecologie.add_command(sources_group)
ecologie.add_command(harvest_group)
ecologie.add_command(agents)
ecologie.add_command(doctor)


def get_commands() -> list[click.Command]:
    return [ecologie]
