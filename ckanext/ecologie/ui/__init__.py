"""The portal on the French state design system (DSFR): layout, navigation, home page."""
