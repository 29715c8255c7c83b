"""Impact evaluation: the statistics, the engine, its reads, charts and pages."""
