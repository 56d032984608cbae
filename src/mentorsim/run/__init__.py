"""Running scenarios: experiments (simulate, compare), executors, workers, resource limits and output paths."""
