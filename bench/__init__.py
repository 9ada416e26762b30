"""`nox -s bench`: the service measured against the floors it cannot beat, in one run.

Each figure is reported beside its floor, measured in the same run, as a ratio; benchmarks report,
they never fail the test suite. Results land in bench/results/ (Markdown and JSON)."""
