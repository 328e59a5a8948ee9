"""The JSON Schema in the repo stays in step with the model, and the sample plan satisfies it."""

from __future__ import annotations

import json

import jsonschema
import yaml

from briefkit.model import Glossary, plan_json_schema
from conftest import REPO, SAMPLE_PLAN

SCHEMA_FILE = REPO / "schema" / "plan.schema.json"


def test_schema_files_match_the_model():
    on_disk = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert on_disk == plan_json_schema(), "run: .venv/bin/python build.py schema > schema/plan.schema.json"
    glossary = json.loads((REPO / "schema" / "glossary.schema.json").read_text(encoding="utf-8"))
    assert glossary == plan_json_schema(Glossary), "run: build.py schema --glossary > schema/glossary.schema.json"


def test_sample_glossary_validates_against_its_schema():
    data = yaml.safe_load((SAMPLE_PLAN.parent / "glossary.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads((REPO / "schema" / "glossary.schema.json").read_text(encoding="utf-8")))


def test_sample_plan_points_editors_at_the_schema():
    first_line = SAMPLE_PLAN.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../../schema/plan.schema.json"
    assert (SAMPLE_PLAN.parent / "../../schema/plan.schema.json").resolve() == SCHEMA_FILE


def test_sample_plan_validates_against_the_schema():
    data = json.loads(json.dumps(yaml.safe_load(SAMPLE_PLAN.read_text(encoding="utf-8")), default=str))
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
