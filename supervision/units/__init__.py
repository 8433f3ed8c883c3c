"""Units: the agency directory, resolving unit mentions, the office's decisions, lead-unit suggestions."""
