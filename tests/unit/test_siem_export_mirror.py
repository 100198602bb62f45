"""The example exporter's file: a line a crash cut short is replaced, never glued to the next event."""
import importlib.util
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

_SPEC = importlib.util.spec_from_file_location("siem_export", Path(__file__).parents[2] / "examples" / "siem_export.py")
siem_export = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(siem_export)


def event(number: int) -> dict:
    return {"id": f"00000000-0000-4000-8000-{number:012d}", "type": "org.created", "data": {"n": number}}


def test_a_cut_last_line_is_dropped_and_its_event_written_whole_on_a_line_of_its_own(tmp_path):
    out = tmp_path / "events.jsonl"
    whole = json.dumps(event(1), separators=(",", ":"))
    out.write_text(whole + "\n" + json.dumps(event(2))[:17])  # the crash came in the middle of the second line
    mirror = siem_export.Mirror(out)
    assert mirror.write("cursor-2", event(2)) is True
    assert mirror.write("cursor-1", event(1)) is False  # already in the file
    lines = out.read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [event(1)["id"], event(2)["id"]]
    assert json.loads((tmp_path / "events.jsonl.state").read_text())["cursor"] == "cursor-1"


def test_a_file_holding_only_a_cut_line_starts_empty(tmp_path):
    out = tmp_path / "events.jsonl"
    out.write_text('{"id": "00000000-0000-4000-8000-0000')
    siem_export.Mirror(out).write("c", event(3))
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [event(3)["id"]]


def test_a_whole_file_is_left_as_it_is(tmp_path):
    out = tmp_path / "events.jsonl"
    text = "".join(json.dumps(event(n)) + "\n" for n in range(3))
    out.write_text(text)
    siem_export.Mirror(out)
    assert out.read_text() == text
