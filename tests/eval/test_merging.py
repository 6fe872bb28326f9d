"""Scoring merging: pairwise and B-cubed against the gold keys, and look-alikes caught."""

from __future__ import annotations

import json

import pytest
from helpers.merge_set import MERGE_CASSETTES, MERGE_SET

from summarizer import Settings
from summarizer._cli import main
from summarizer._eval.merging import _Scores, evaluate_merge, is_merge_set


def test_the_reference_replies_merge_perfectly_and_no_lookalike_joins() -> None:
    scorecard = evaluate_merge(MERGE_SET, MERGE_CASSETTES, Settings()).as_dict()
    assert scorecard["pairwise"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert scorecard["bcubed"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert scorecard["records"] == scorecard["signings"] == 15
    assert scorecard["lookalikes_merged"] == [] and scorecard["miscounted"] == []


def test_the_scores_fall_for_a_wrong_grouping() -> None:
    key_of = {"a/0": "x", "b/0": "x", "c/0": "x", "d/0": "y"}
    joined_too_much = _Scores([["a/0", "b/0", "c/0", "d/0"]], key_of)
    assert joined_too_much.pairwise()["precision"] == pytest.approx(3 / 6)
    assert joined_too_much.bcubed()["recall"] == 1.0
    assert joined_too_much.bcubed()["precision"] == pytest.approx((3 * 3 / 4 + 1 / 4) / 4)
    split = _Scores([["a/0"], ["b/0", "c/0"], ["d/0"]], key_of)
    assert split.pairwise() == {"precision": 1.0, "recall": pytest.approx(1 / 3),
                                "f1": pytest.approx(0.5)}  # fmt: skip
    assert split.bcubed()["recall"] == pytest.approx((1 / 3 + 2 / 3 + 2 / 3 + 1) / 4)


def test_eval_knows_a_merging_set_and_saves_its_scorecard(tmp_path, capsys) -> None:
    assert is_merge_set(MERGE_SET) and not is_merge_set(MERGE_SET.parent / "gold")
    out = tmp_path / "merge.json"
    assert main(["eval", str(MERGE_SET), "--replay", str(MERGE_CASSETTES), "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "B-cubed" in shown and "15 records for 15 signings" in shown
    assert json.loads(out.read_text())["kind"] == "merge"


def test_nothing_right_scores_zero_not_nothing() -> None:
    wrong = _Scores([["a/0", "b/0"]], {"a/0": "x", "b/0": "y", "c/0": "x", "d/0": "y"})
    assert wrong.pairwise() == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
