"""One title per type: ``sio_spec.asyncapi.titles.name_types``."""

from __future__ import annotations

import copy
from typing import Any

from sio_spec.asyncapi.titles import name_types, union_tags

MINE: dict[str, Any] = {"anyOf": [{"type": "integer"}, {"type": "string"}], "title": "Mine"}


def test_a_users_title_is_kept_once_per_schema() -> None:
    out = name_types(
        {
            "A": {"type": "object", "properties": {"x": copy.deepcopy(MINE)}},
            "B": {
                "type": "object",
                "properties": {
                    "y": copy.deepcopy(MINE),
                    "z": {"anyOf": [{"type": "integer"}], "title": "Mine"},
                },
            },
            "C": {"type": "object", "title": "A", "properties": {}},
        }
    )
    # the same schema twice: one title, and its branches named after it
    assert out["A"]["properties"]["x"] == out["B"]["properties"]["y"]
    assert [b["title"] for b in out["A"]["properties"]["x"]["anyOf"]] == ["Mine1", "Mine2"]
    # a different schema with a taken title is named after where it sits
    z = out["B"]["properties"]["z"]
    assert z["title"] == "BZUnion" and z["anyOf"][0]["title"] == "BZ"
    # components: untitled ones and ones whose title another holds get their key
    assert [out[k]["title"] for k in "ABC"] == ["A", "B", "C"]


def test_constants_and_optional_fields() -> None:
    out = name_types(
        {
            "M": {
                "type": "object",
                "title": "M",
                "properties": {
                    "kind": {"const": "m", "default": "m", "title": "Kind", "type": "string"},
                    "n": {"anyOf": [{"type": "number"}, {"type": "null"}], "title": "N"},
                    "flag": {"const": True},
                },
            }
        }
    )
    props = out["M"]["properties"]
    assert props["kind"] == {"enum": ["m"], "default": "m", "title": "MKind", "type": "string"}
    assert props["n"]["title"] == "MNOrNull"
    assert [b["title"] for b in props["n"]["anyOf"]] == ["MN", "MNNull"]
    assert props["flag"] == {"const": True, "title": "MFlag"}  # only strings become enums


def test_tags_of_members_reached_only_through_their_union() -> None:
    member: dict[str, Any] = {
        "type": "object",
        "properties": {"kind": {"const": "a", "default": "a"}, "v": {"type": "integer"}},
        "required": ["v"],
    }
    union = {
        "discriminator": "kind",
        "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
    }
    components = {"A": copy.deepcopy(member), "B": copy.deepcopy(member), "U": union}
    assert union_tags(components) == {"A": "kind", "B": "kind"}
    # B is also a payload of its own: its tag stays optional there
    outside = {"payload": {"$ref": "#/components/schemas/B"}}
    assert union_tags(components, outside) == {"A": "kind"}
    out = name_types(components, outside)
    assert out["A"]["required"] == ["v", "kind"] and "const" in out["A"]["properties"]["kind"]
    assert out["B"]["required"] == ["v"] and out["B"]["properties"]["kind"]["const"] == "a"
