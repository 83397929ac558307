import pytest

# The shared helpers assert too: pytest rewrites their asserts as it does the tests' own.
pytest.register_assert_rewrite("tests.unit.assignment.support",
                               "tests.unit.assignment.quote_support")
