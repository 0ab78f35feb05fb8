"""Pages of the portal itself: the feedback form to the portal team and the
text of the About page."""
