from pathlib import Path

from django.conf import settings

from schema import schema


def test_checked_in_schema_graphql_is_current():
    checked_in = (Path(settings.BASE_DIR) / "schema.graphql").read_text()
    assert checked_in.strip() == schema.as_str().strip(), "schema.graphql is stale: run `make schema` and commit it"
