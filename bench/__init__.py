"""The screening benchmark: generators, the I/O floor, the phase harness, the baseline and the runner."""
