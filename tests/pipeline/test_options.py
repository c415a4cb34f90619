"""One options type per job: every front end builds the same object for the same choices."""

from __future__ import annotations

from dataclasses import fields

import pytest

from facemotion.cli import build_parser
from facemotion.commands import animate as animate_command
from facemotion.commands import capture as capture_command
from facemotion.errors import InputError, ModelError
from facemotion.pipeline.options import (
    AnimateOptions,
    CaptureOptions,
    ModelOptions,
    PrepareOptions,
    build,
)
from facemotion.web.handlers import Jobs
from facemotion.web.options import ServeOptions
from facemotion.web.sessions import SessionStore


@pytest.fixture
def inputs(tmp_path):
    (tmp_path / "face.png").write_bytes(b"")
    (tmp_path / "drive.mp4").write_bytes(b"")
    return tmp_path / "face.png", tmp_path / "drive.mp4"


def batch_options(monkeypatch, call):
    """The options object a batch run hands its workers (the run itself is not started)."""
    import facemotion.batch.api as api

    seen = []
    monkeypatch.setattr(api, "run_batch", lambda job, tasks, options, *rest: seen.append(options))
    call(api)
    (options,) = seen
    return options


def test_cli_web_and_batch_build_the_same_animate_options(tmp_path, inputs, monkeypatch):
    source, driving = inputs
    argv = ["animate", str(source), str(driving), "--crop", "auto", "--find-best-frame"]
    argv += ["--no-relative", "--expression", "relative", "--scene", "follow", "--paste-back"]
    cli = animate_command.options_from(build_parser().parse_args(argv))

    store = SessionStore(tmp_path / "sessions")
    try:
        web = Jobs(ServeOptions(), store).animate_options(
            "landmarks", relative=False, find_best_frame=True, crop="auto", paste_back=True,
            expression="relative", scene="follow",
        )  # fmt: skip
    finally:
        store.close()
    batch = batch_options(
        monkeypatch,
        lambda api: api.animate_batch(
            source,
            driving,
            tmp_path / "out",
            relative=False,
            find_best_frame=True,
            crop="auto",
            paste_back=True,
            expression="relative",
            scene="follow",
        ),  # fmt: skip
    )
    whole = batch_options(
        monkeypatch, lambda api: api.animate_batch(source, driving, tmp_path / "out", cli)
    )
    assert cli == web == batch == whole
    assert cli.model == ModelOptions(expression="relative", scene="follow")
    assert cli.crop == "auto"
    assert not cli.relative and cli.find_best_frame and cli.paste_back


def test_cli_and_batch_build_the_same_capture_options(tmp_path, inputs, monkeypatch):
    _, video = inputs
    argv = ["capture", str(video), "--face", "1", "--smooth", "2,0.5", "--neutral-frame", "3"]
    argv += ["--formats", "csv,json", "--ipd", "6.0"]
    cli = capture_command.options_from(build_parser().parse_args(argv))
    batch = batch_options(
        monkeypatch,
        lambda api: api.capture_batch(
            video,
            tmp_path / "out",
            face=1,
            smoothing=(2.0, 0.5),
            neutral=3,
            formats=("csv", "json"),
            ipd_cm=6.0,
        ),  # fmt: skip
    )
    assert cli == batch
    assert cli.face == 1 and cli.smoothing == (2.0, 0.5) and cli.formats == ("csv", "json")


def test_the_flags_defaults_are_the_options_defaults(inputs):
    source, driving = inputs
    parser = build_parser()
    assert (
        animate_command.options_from(parser.parse_args(["animate", str(source), str(driving)]))
        == AnimateOptions()
    )
    assert capture_command.options_from(parser.parse_args(["capture", str(driving)])) == (
        CaptureOptions()
    )


@pytest.mark.parametrize(
    ("kind", "values", "error", "words"),
    [
        (ModelOptions, {"batch": 0}, InputError, "batch must be 1 or more"),
        (ModelOptions, {"precision": "fp8"}, InputError, "precision must be one of"),
        (ModelOptions, {"name": "landmarks", "device": "cuda"}, ModelError, "runs on the CPU"),
        (ModelOptions, {"name": "landmarks", "backend": "onnxruntime"}, ModelError, "FOMM"),
        (ModelOptions, {"name": "vox", "expression": "relative"}, ModelError, "landmarks model"),
        (ModelOptions, {"scene": "static"}, InputError, "scene must be one of still, follow"),
        (ModelOptions, {"name": "vox", "scene": "follow"}, ModelError, "landmarks model"),
        (AnimateOptions, {"crop": "left"}, InputError, "unknown crop"),
        (AnimateOptions, {"size": 8}, InputError, "between 16 and 4096"),
        (AnimateOptions, {"best_frame": -1}, InputError, "0 or more"),
        (CaptureOptions, {"smoothing": (float("nan"), 1.0)}, InputError, "finite"),
        (CaptureOptions, {"smoothing": (1.0, float("inf"))}, InputError, "finite"),
        (CaptureOptions, {"ipd_cm": 63.0}, InputError, "centimetres"),
        (CaptureOptions, {"formats": ("csv", "mov")}, InputError, "unknown formats"),
        (PrepareOptions, {"test_fraction": 2.0}, InputError, "between 0 and 1"),
    ],
)
def test_each_option_is_checked_where_it_is_declared(kind, values, error, words):
    with pytest.raises(error, match=words):
        kind(**values)


def test_keywords_are_the_dataclass_fields():
    options = build(AnimateOptions, crop="auto", model="vox", precision="bf16")
    assert options == AnimateOptions(model=ModelOptions("vox", precision="bf16"), crop="auto")
    assert build(CaptureOptions) == CaptureOptions()
    with pytest.raises(TypeError, match="unexpected keyword arguments .*: cropping"):
        build(AnimateOptions, cropping="auto")
    # every field has a default, so every front end can leave any choice out
    for kind in (AnimateOptions, ModelOptions, CaptureOptions, PrepareOptions):
        assert kind() == build(kind, **{f.name: getattr(kind(), f.name) for f in fields(kind)})


def test_the_scene_flag_reaches_the_landmark_model(inputs):
    from facemotion.pipeline.load import load_model

    source, driving = inputs
    argv = ["animate", str(source), str(driving), "--scene", "follow"]
    options = animate_command.options_from(build_parser().parse_args(argv))
    assert options.model == ModelOptions(scene="follow")
    assert load_model(options.model).options.scene == "follow"
    assert load_model("landmarks").options.scene == "still"


def test_precision_auto_is_a_choice_of_the_flag_and_suits_every_model(inputs):
    args = build_parser().parse_args(["animate", *map(str, inputs), "--precision", "auto"])
    assert args.precision == "auto"
    assert ModelOptions(name="vox", precision="auto").precision == "auto"
    assert ModelOptions(name="landmarks", precision="auto").precision == "auto"
    with pytest.raises(ModelError, match="precision applies to FOMM checkpoints"):
        ModelOptions(name="landmarks", precision="bf16")
