"""The embedded default: the whole system on one machine, for `make run` and the tests."""
