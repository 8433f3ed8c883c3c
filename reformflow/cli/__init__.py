"""The `reformflow` command line, for admins and scripts (the office works in the web console)."""
