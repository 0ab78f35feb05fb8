"""One search for everything: datasets, bouquets and APIs on one page
(`/recherche`), with a type switch, facets and removable filters."""
