"""The scenario schema: shipped files, dotted overrides, immutability, YAML round trip, bad input."""

from __future__ import annotations

import math

import pytest
import yaml

import mentorsim as ms
from conftest import CADENCES as CADENCE_VALUES
from conftest import FORMATS, RECOGNITIONS, SCENARIOS, SHIPPED
from mentorsim.schema.scenario import CADENCES, MAX_WORKFORCE

REQUIRED_FILES = ("baseline", "one_on_one", "peer", "circle", "reverse", "micro_board", "sponsorship")


# ---- shipped scenarios ------------------------------------------------------------------------


def test_required_scenarios_are_shipped():
    names = {p.stem for p in SHIPPED}
    assert set(REQUIRED_FILES) <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_scenario_loads_with_name_and_description(path):
    sc = ms.load_scenario(path)
    assert isinstance(sc, ms.Scenario)
    assert sc.name.strip()
    assert len(sc.description.split()) >= 5, "a description a person can read"


def test_shipped_scenarios_have_the_formats_they_are_named_after():
    fmt = {p.stem: ms.load_scenario(p).program for p in SHIPPED}
    assert fmt["baseline"].format == "none"
    for name in ("one_on_one", "peer", "circle", "reverse", "micro_board"):
        assert fmt[name].format == name
    assert fmt["sponsorship"].format == "one_on_one" and fmt["sponsorship"].sponsorship
    assert not fmt["one_on_one"].sponsorship


def test_sponsorship_differs_from_one_on_one_only_by_the_overlay():
    a = ms.load_scenario(SCENARIOS / "one_on_one.yaml").model_dump()
    b = ms.load_scenario(SCENARIOS / "sponsorship.yaml").model_dump()
    for d in (a, b):
        d.pop("name"), d.pop("description"), d["program"].pop("sponsorship")
    assert a == b


def test_load_accepts_str_and_path():
    p = SCENARIOS / "peer.yaml"
    assert ms.load_scenario(str(p)) == ms.load_scenario(p)


# ---- overrides ----------------------------------------------------------------------------------


def test_overrides_horizon_and_size(one_on_one):
    sc = one_on_one.with_overrides({"horizon_weeks": 52, "workforce.size": 2000})
    assert sc.horizon_weeks == 52 and sc.workforce.size == 2000
    assert sc.program == one_on_one.program


@pytest.mark.parametrize("fmt", FORMATS)
def test_override_format(one_on_one, fmt):
    assert one_on_one.with_overrides({"program.format": fmt}).program.format == fmt


@pytest.mark.parametrize("cadence", CADENCE_VALUES, ids=str)
def test_override_cadence(one_on_one, cadence):
    p = one_on_one.with_overrides({"program.cadence": cadence}).program
    expected = CADENCES[cadence] if isinstance(cadence, str) else float(cadence)
    assert p.cadence_weeks == pytest.approx(expected)


def test_cadence_weeks_order():
    weeks = [
        ms.Scenario().with_overrides({"program.cadence": c}).program.cadence_weeks
        for c in ("weekly", "biweekly", "monthly")
    ]
    assert weeks == sorted(weeks) and weeks[0] == 1 and weeks[1] == 2 and 4 < weeks[2] < 4.5


@pytest.mark.parametrize("recognition", RECOGNITIONS)
def test_override_recognition(one_on_one, recognition):
    assert one_on_one.with_overrides({"program.recognition": recognition}).program.recognition == recognition


def test_several_overrides_at_once_and_nested_mapping(one_on_one):
    sc = one_on_one.with_overrides(
        {
            "program.format": "circle",
            "program.cadence": "monthly",
            "program.recognition": "review_credit",
            "workforce.size": 500,
        }
    )
    assert (sc.program.format, sc.program.cadence, sc.program.recognition, sc.workforce.size) == (
        "circle",
        "monthly",
        "review_credit",
        500,
    )


def test_overrides_are_validated(one_on_one):
    with pytest.raises(ms.ScenarioError, match="program.format"):
        one_on_one.with_overrides({"program.format": "telepathy"})
    with pytest.raises(ms.ScenarioError, match="workforce.size"):
        one_on_one.with_overrides({"workforce.size": -1})


def test_override_unknown_key_suggests_the_nearest(one_on_one):
    with pytest.raises(ms.ScenarioError) as e:
        one_on_one.with_overrides({"program.cadance": "weekly"})
    msg = str(e.value)
    assert "program.cadance" in msg and "program.cadence" in msg and "\n" not in msg
    with pytest.raises(ms.ScenarioError, match="workforce"):
        one_on_one.with_overrides({"workfrce.size": 10})


# ---- immutability -------------------------------------------------------------------------------


def test_scenario_is_frozen(one_on_one):
    with pytest.raises((TypeError, ValueError)):
        one_on_one.horizon_weeks = 10
    with pytest.raises((TypeError, ValueError)):
        one_on_one.program.format = "peer"
    with pytest.raises((TypeError, ValueError)):
        one_on_one.workforce.size = 5


def test_with_overrides_returns_a_new_object_and_leaves_the_original(one_on_one):
    before = one_on_one.model_dump()
    sc = one_on_one.with_overrides({"program.cadence": "weekly", "workforce.size": 123})
    assert sc is not one_on_one
    assert one_on_one.model_dump() == before
    assert one_on_one.program.cadence == "biweekly" and one_on_one.workforce.size == 1000
    assert one_on_one.with_overrides({}) == one_on_one


def test_scenarios_are_hashable_or_comparable(one_on_one):
    same = ms.load_scenario(SCENARIOS / "one_on_one.yaml")
    assert same == one_on_one
    assert one_on_one.with_overrides({"horizon_weeks": 10}) != one_on_one


# ---- YAML round trip ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_dump_then_load_equals(path, tmp_path):
    sc = ms.load_scenario(path)
    out = tmp_path / "sc.yaml"
    sc.dump(out)
    assert ms.load_scenario(out) == sc
    assert ms.scenario_from_dict(yaml.safe_load(sc.to_yaml())) == sc


@pytest.mark.parametrize("cadence", CADENCE_VALUES, ids=str)
def test_round_trip_keeps_overrides(one_on_one, cadence, tmp_path):
    sc = one_on_one.with_overrides(
        {
            "program.cadence": cadence,
            "program.format": "micro_board",
            "program.recognition": "learning_credits",
            "workforce.size": 777,
        }
    )
    sc.dump(tmp_path / "x.yaml")
    back = ms.load_scenario(tmp_path / "x.yaml")
    assert back == sc
    assert back.program.cadence_weeks == sc.program.cadence_weeks


def test_to_yaml_is_plain_safe_yaml(one_on_one):
    text = one_on_one.to_yaml()
    assert "!!python" not in text
    doc = yaml.safe_load(text)
    assert doc["program"]["format"] == "one_on_one"


def test_defaults_alone_make_a_valid_scenario():
    sc = ms.scenario_from_dict({})
    assert sc.horizon_weeks == 156 and sc.program.format == "none"


def test_json_schema_describes_every_parameter():
    schema = ms.Scenario.model_json_schema()
    assert schema["additionalProperties"] is False
    props = schema["$defs"]["Program"]["properties"]
    assert {"format", "cadence", "recognition"} <= set(props)
    for name, p in props.items():
        assert p.get("description"), f"program.{name} has no description"


# ---- bad input ----------------------------------------------------------------------------------


def _write(tmp_path, doc, name="bad.yaml"):
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc))
    return p


def _one_line_error(path, *needles):
    with pytest.raises(ms.ScenarioError) as e:
        ms.load_scenario(path)
    msg = str(e.value)
    assert "\n" not in msg, f"not one line: {msg!r}"
    assert str(path) in msg, f"file not named: {msg!r}"
    for n in needles:
        assert n in msg, f"{n!r} not in {msg!r}"
    return msg


def _doc(**dotted):
    doc = yaml.safe_load((SCENARIOS / "one_on_one.yaml").read_text())
    for key, value in dotted.items():
        cur = doc
        keys = key.split("__")
        for k in keys[:-1]:
            cur = cur.setdefault(k, {})
        cur[keys[-1]] = value
    return doc


def test_missing_file(tmp_path):
    _one_line_error(tmp_path / "nope.yaml", "no such file")


def test_directory_instead_of_file(tmp_path):
    _one_line_error(tmp_path)


def test_bad_yaml(tmp_path):
    p = _write(tmp_path, "name: [unclosed\n  program: {format: one_on_one\n")
    msg = _one_line_error(p, "YAML")
    assert "line" in msg


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just a string\n", "42\n"])
def test_not_a_mapping(tmp_path, text):
    _one_line_error(_write(tmp_path, text), "mapping")


def test_unknown_key_with_nearest_suggestion(tmp_path):
    msg = _one_line_error(_write(tmp_path, _doc(program__cadance="weekly")), "program.cadance", "program.cadence")
    assert "did you mean" in msg


def test_unknown_top_level_key(tmp_path):
    _one_line_error(_write(tmp_path, _doc(horizon_week=10)), "horizon_week", "horizon_weeks")


def test_unknown_nested_key_far_from_anything_lists_the_allowed(tmp_path):
    msg = _one_line_error(_write(tmp_path, _doc(workforce__zzzzzz=1)), "workforce.zzzzzz")
    assert "size" in msg


@pytest.mark.parametrize(
    "dotted, value, field",
    [
        ("horizon_weeks", "three years", "horizon_weeks"),
        ("workforce__size", "many", "workforce.size"),
        ("workforce__size", 2.5, "workforce.size"),
        ("program__format", "telepathy", "program.format"),
        ("program__format", 3, "program.format"),
        ("program__cadence", "hourly", "program.cadence"),
        ("program__cadence", [1, 2], "program.cadence"),
        ("program__recognition", "gold_stars", "program.recognition"),
        ("program__intake", "rolling", "program.intake"),
        ("program__matching", "speed_dating", "program.matching"),
        ("program__sponsorship", "maybe", "program.sponsorship"),
        ("program", "one_on_one", "program"),
        ("workforce__level_shares", [0.5, 0.5], "workforce.level_shares"),
    ],
    ids=lambda v: str(v),
)
def test_wrong_type(tmp_path, dotted, value, field):
    _one_line_error(_write(tmp_path, _doc(**{dotted: value})), field)


@pytest.mark.parametrize(
    "dotted, value, field",
    [
        ("workforce__size", -5, "workforce.size"),
        ("workforce__size", 0, "workforce.size"),
        ("workforce__size", MAX_WORKFORCE + 1, "workforce.size"),
        ("workforce__size", 10**12, "workforce.size"),
        ("horizon_weeks", 0, "horizon_weeks"),
        ("horizon_weeks", -1, "horizon_weeks"),
        ("program__participation_target", 1.5, "program.participation_target"),
        ("program__participation_target", -0.1, "program.participation_target"),
        ("program__scheduling_friction", 2, "program.scheduling_friction"),
        ("program__mentor_supply", -0.5, "program.mentor_supply"),
        ("program__preparation", 1.01, "program.preparation"),
        ("program__cadence", 0, "program.cadence"),
        ("program__cadence", 27, "program.cadence"),
        ("program__cadence", -2, "program.cadence"),
        ("program__circle_size", 3, "program.circle_size"),
        ("program__mentor_capacity", 0, "program.mentor_capacity"),
        ("workforce__base_weekly_quit_hazard", -0.001, "workforce.base_weekly_quit_hazard"),
        ("costs__admin_per_participant_per_year", -1, "costs.admin_per_participant_per_year"),
        ("costs__hourly_cost_by_level", [-1, 60, 80, 105, 140], "costs.hourly_cost_by_level"),
    ],
    ids=lambda v: str(v),
)
def test_out_of_range(tmp_path, dotted, value, field):
    _one_line_error(_write(tmp_path, _doc(**{dotted: value})), field)


def test_size_bound_is_documented():
    desc = ms.Scenario.model_json_schema()["$defs"]["Workforce"]["properties"]["size"]
    assert desc.get("maximum") == MAX_WORKFORCE
    assert f"{MAX_WORKFORCE:,}" in desc["description"] or str(MAX_WORKFORCE) in desc["description"]


@pytest.mark.parametrize(
    "dotted, field",
    [
        ("workforce__size", "workforce.size"),
        ("program__participation_target", "program.participation_target"),
        ("program__cadence", "program.cadence"),
        ("workforce__base_weekly_quit_hazard", "workforce.base_weekly_quit_hazard"),
    ],
)
def test_nan(tmp_path, dotted, field):
    _one_line_error(_write(tmp_path, _doc(**{dotted: float("nan")})), field)


def test_nan_written_as_yaml_literal(tmp_path):
    text = (
        (SCENARIOS / "one_on_one.yaml").read_text().replace("participation_target: 0.25", "participation_target: .nan")
    )
    assert ".nan" in text
    _one_line_error(_write(tmp_path, text), "program.participation_target")


def test_infinity(tmp_path):
    _one_line_error(_write(tmp_path, _doc(program__session_minutes=math.inf)), "program.session_minutes")


def test_shares_must_sum_to_one(tmp_path):
    _one_line_error(_write(tmp_path, _doc(workforce__persona_shares=[0.5, 0.5, 0.5, 0.5])), "workforce.persona_shares")


def test_several_problems_are_reported_in_one_line(tmp_path):
    msg = _one_line_error(_write(tmp_path, _doc(horizon_weeks=0, workforce__size=-1)))
    assert "more" in msg


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {pwned}']\n",
        "name: !!python/object/apply:os.system ['touch {pwned}']\n",
        "program: !!python/object/new:os.system ['touch {pwned}']\n",
    ],
)
def test_unsafe_yaml_tags_are_not_executed(tmp_path, tag):
    pwned = tmp_path / "pwned"
    p = _write(tmp_path, tag.format(pwned=pwned))
    _one_line_error(p)
    assert not pwned.exists(), "YAML executed code"


def test_scenario_error_is_a_value_error():
    assert issubclass(ms.ScenarioError, ms.MentorsimError)
    assert issubclass(ms.ScenarioError, ValueError)


def test_one_strictness_rule_for_every_schema_section():
    """Every model a scenario is made of refuses silent coercion the same way: a number written as text is
    refused in every section (world, effects, mechanics, program...), with the same words."""
    from pydantic import BaseModel

    from mentorsim.schema.validation import SchemaModel

    def models(m: type[BaseModel]):
        yield m
        for f in m.model_fields.values():
            for t in (f.annotation, *getattr(f.annotation, "__args__", ())):
                if isinstance(t, type) and issubclass(t, BaseModel):
                    yield from models(t)

    loose = sorted({m.__name__ for m in models(ms.Scenario) if not issubclass(m, SchemaModel)})
    assert loose == [], f"schema sections without the strictness rule: {loose}"
    reg = ms.parameter_register()
    numeric = reg[[isinstance(d, float) and not isinstance(d, bool) for d in reg["default"]]]
    for name in ("workforce.informal_mentoring.homophily", "program.preparation", *numeric.name.head(40)):
        with pytest.raises(ms.ScenarioError, match="must be a number"):
            ms.Scenario().with_overrides({name: "0.5"})


def test_a_scenario_file_can_stand_on_a_base_and_say_only_what_differs(tmp_path):
    """base: PATH (relative to the file) lays the file on another: mappings merge at any depth, other values replace."""
    base = ms.load_scenario(SCENARIOS / "one_on_one.yaml")
    (tmp_path / "co").mkdir()
    (tmp_path / "co" / "company.yaml").write_text(
        f"base: {SCENARIOS.resolve() / 'one_on_one.yaml'}\nname: company\nworkforce:\n  size: 2000\n"
    )
    (tmp_path / "weekly.yaml").write_text("base: co/company.yaml\nname: weekly\nprogram:\n  cadence: weekly\n")
    got = ms.load_scenario(tmp_path / "weekly.yaml")
    want = base.with_overrides({"workforce.size": 2000, "program.cadence": "weekly", "name": "weekly"})
    assert got.model_dump() == want.model_dump()
    assert got.workforce.level_shares == base.workforce.level_shares  # the rest of workforce is the base's


@pytest.mark.parametrize(
    "text, words",
    [
        ("base: nowhere.yaml\n", "nowhere.yaml: no such file"),
        ("base: 3\n", "base: must be the path of a scenario file"),
        ("base: loop.yaml\n", "a circle of base: files"),
        ("base: list.yaml\n", "must be a mapping of fields"),
    ],
)
def test_a_bad_base_is_one_line_naming_the_file(tmp_path, text, words):
    (tmp_path / "loop.yaml").write_text("base: loop.yaml\n")
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n")
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(ms.ScenarioError) as e:
        ms.load_scenario(tmp_path / "s.yaml")
    assert words in str(e.value) and "\n" not in str(e.value)
