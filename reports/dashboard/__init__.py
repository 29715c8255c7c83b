"""The leaders' dashboard and the governors' impact report."""
