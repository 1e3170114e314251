"""The daily cycle: the one orchestrator, which nothing imports (`cycle.run`)."""
