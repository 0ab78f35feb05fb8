"""Bouquets: curated bundles of data for a use case (package type `bouquet`)."""

BOUQUET = "bouquet"
