"""finetune.py's input checks, without torch: every bad file is refused with a message saying what is wrong.

    /work/venv/bin/python -m pytest tools/model/test_finetune.py -q
"""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from finetune import BadData, read_pairs  # noqa: E402

STSB = Path(__file__).resolve().parents[3] / "shared" / "eval" / "stsb" / "sts-dev.csv"


def write(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def pairs_csv(n, score=lambda i: i % 2):
    return "sentence1,sentence2,score\r\n" + "".join(f"question {i},other question {i},{score(i)}\r\n" for i in range(n))


def test_trove_export_layout_is_read_with_quoted_line_breaks(tmp_path):
    text = pairs_csv(60) + '"How do I\nreset it?","Reset, how?",1.0\r\n'
    rows = read_pairs(write(tmp_path, "pairs.csv", text))
    assert len(rows) == 61
    assert rows[-1] == ("How do I\nreset it?", "Reset, how?", 1.0)


def test_too_few_pairs(tmp_path):
    with pytest.raises(BadData, match=r"49 pairs; fine-tuning needs at least 50"):
        read_pairs(write(tmp_path, "few.csv", pairs_csv(49)))


def test_one_score_for_all(tmp_path):
    with pytest.raises(BadData, match=r"every pair has the score 1.0"):
        read_pairs(write(tmp_path, "same.csv", pairs_csv(60, lambda i: 1.0)))


def test_missing_column(tmp_path):
    with pytest.raises(BadData, match=r"missing column\(s\) sentence2.*found: sentence1, score"):
        read_pairs(write(tmp_path, "cols.csv", "sentence1,score\n" + "a,1\n" * 60))


def test_scores_0_to_5_are_rescaled_and_out_of_range_refused(tmp_path):
    rows = read_pairs(write(tmp_path, "five.csv", pairs_csv(60, lambda i: i % 6)))
    assert max(r[2] for r in rows) == 1.0 and rows[3][2] == pytest.approx(0.6)
    with pytest.raises(BadData, match=r"scores must lie in 0–1 \(or 0–5\); found 0.0..9.0"):
        read_pairs(write(tmp_path, "nine.csv", pairs_csv(60, lambda i: float(i % 10))))


def test_unscored_pairs_and_tsv(tmp_path):
    rows = read_pairs(write(tmp_path, "pairs.tsv", "sentence1\tsentence2\n" + "".join(f"q{i}\tp{i}\n" for i in range(50))))
    assert rows[0] == ("q0", "p0", None)


@pytest.mark.skipif(not STSB.exists(), reason="../shared/eval/stsb not beside the repo")
def test_stsb_layout_is_scaled_to_0_1():
    rows = read_pairs(STSB)
    assert len(rows) == 1500 and rows[0][2] == pytest.approx(1.0)
