import pytest

jax = pytest.importorskip("jax")
