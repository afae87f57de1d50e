from stack_fixtures import stack  # noqa: F401
