from tests.registry_data import registry  # noqa: F401  (fixture)
