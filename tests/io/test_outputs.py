"""Output folders, sets of outputs written together, the input guard and the signal shield."""

from __future__ import annotations

import os
import signal
import time

import pytest

from facemotion.errors import InputError, OutputError
from facemotion.io.atomic import atomic_outputs, output_dir
from facemotion.io.guard import refuse_overwriting_inputs, replaced_note
from facemotion.io.signals import Stopped, installed, shielded


def test_missing_folders_are_made_and_removed_again_on_failure(tmp_path):
    target = tmp_path / "a" / "b" / "x.txt"
    with pytest.raises(RuntimeError), atomic_outputs([target]) as (tmp,):
        tmp.write_text("half")
        raise RuntimeError("disk on fire")
    assert list(tmp_path.iterdir()) == []
    with atomic_outputs([target]) as (tmp,):
        tmp.write_text("whole")
    assert target.read_text() == "whole"


def test_a_set_of_outputs_appears_together_or_not_at_all(tmp_path):
    (tmp_path / "b.txt").write_text("old b")
    targets = [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"]
    with pytest.raises(KeyboardInterrupt), atomic_outputs(targets) as temporaries:
        temporaries[0].write_text("new a")
        temporaries[1].write_text("new b")
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt"]
    assert (tmp_path / "b.txt").read_text() == "old b"
    (tmp_path / "c.txt").mkdir()  # a folder where a file goes: refused before any rename
    with pytest.raises(OutputError, match="c.txt"), atomic_outputs(targets) as temporaries:
        for tmp in temporaries:
            tmp.write_text("new")
    assert (tmp_path / "b.txt").read_text() == "old b" and not (tmp_path / "a.txt").exists()


def test_output_dir_keeps_a_folder_that_received_files(tmp_path):
    with pytest.raises(RuntimeError), output_dir(tmp_path / "run") as run:
        (run / "log.csv").write_text("step,loss\n")
        raise RuntimeError
    assert (tmp_path / "run" / "log.csv").is_file()
    with pytest.raises(RuntimeError), output_dir(tmp_path / "empty" / "run"):
        raise RuntimeError
    assert not (tmp_path / "empty").exists()


def test_an_output_that_is_an_input_is_refused(tmp_path):
    video = tmp_path / "d.mp4"
    video.write_bytes(b"x")
    os.link(video, tmp_path / "hard.mp4")
    for output in (video, tmp_path / "." / "d.mp4", tmp_path / "hard.mp4", tmp_path):
        with pytest.raises(InputError):
            refuse_overwriting_inputs([output], [video])
    refuse_overwriting_inputs([tmp_path / "out.mp4"], [video])
    assert replaced_note([]) == ""
    assert replaced_note([video]) == f"; replaced the existing {video}"
    assert replaced_note([video, video]) == "; replaced 2 existing files"


def test_sigterm_raises_stopped_and_a_shielded_block_finishes_first():
    events = []
    before = signal.getsignal(signal.SIGTERM)  # another library (Ray) may have set its own
    with pytest.raises(Stopped) as stopped, installed():
        with shielded():
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGINT)
            events.append("clean-up finished")
        events.append("not reached")
    assert events == ["clean-up finished"] and stopped.value.signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_stop_swallowed_by_a_weakref_callback_is_delivered_again():
    """Python drops an exception raised inside a weakref callback; the stop must still come."""
    import gc
    import weakref

    class Thing:
        pass

    def callback(_ref) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # the handler raises here, where it is dropped

    with pytest.raises(Stopped) as stopped, installed():
        thing = Thing()
        ref = weakref.ref(thing, callback)
        del thing
        gc.collect()
        for _ in range(200):  # ordinary code, where the re-sent signal lands
            time.sleep(0.01)
        raise AssertionError(f"no stop delivered ({ref})")
    assert stopped.value.signum == signal.SIGTERM


def test_a_long_output_name_gets_a_temporary_name_that_fits(tmp_path):
    # 250 bytes fit in a 255-byte name; with '.tmp-XXXXXXXX' added they would not
    for name in ("a" * 246 + ".mp4", "é" * 125 + ".mp4"):
        target = tmp_path / name
        assert len(os.fsencode(name)) <= 255
        with atomic_outputs([target]) as (tmp,):
            assert len(os.fsencode(tmp.name)) <= 255 and tmp.suffix == ".mp4"
            assert tmp.parent == tmp_path
            tmp.write_text("whole")
        assert target.read_text() == "whole"
    assert sorted(os.listdir(tmp_path)) == sorted(["a" * 246 + ".mp4", "é" * 125 + ".mp4"])


def test_an_output_name_too_long_for_the_file_system_is_one_line(tmp_path):
    target = tmp_path / "new" / ("b" * 300 + ".mp4")
    with pytest.raises(OutputError, match="shorter output name") as caught:
        with atomic_outputs([target]):
            pass
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 200
    assert list(tmp_path.iterdir()) == []


def test_names_made_of_long_inputs_are_cut_to_fit_and_stay_apart(tmp_path):
    from facemotion.batch.animate_job import plan
    from facemotion.io.atomic import fitted_name

    assert fitted_name("short", ".mp4", tmp_path) == "short.mp4"
    source = tmp_path / ("s" * 200 + ".png")
    drivings = [tmp_path / ("d" * 200 + f"{n}.mp4") for n in range(2)]
    outputs = [task.outputs[0] for task in plan([(source, d) for d in drivings], tmp_path)]
    assert all(len(os.fsencode(path.name)) == 255 for path in outputs)
    assert outputs[0] != outputs[1] and all(path.suffix == ".mp4" for path in outputs)
    for path in outputs:  # and they can be written
        with atomic_outputs([path]) as (tmp,):
            tmp.write_text("ok")
