"""The character viewer (web/static/character.html) in Debian's chromium: the vendored
three.js, three-vrm and three-vrm-animation load a VRM and the .vrma written for it, and the
expressions and head at sampled times are the capture's. Every non-local request is aborted."""

from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from facemotion.export.character import animate_character
from facemotion.export.character.names import evaluate, match
from facemotion.export.character.pose import CharacterPose
from facemotion.io.gltf_file import glb_bytes, read_gltf
from facemotion.web.character import STATIC_DIR
from tests.conftest import DATA
from tests.export.character.build import PERFECT_SYNC, vrm1_character
from tests.export.character.motion import captured, scene_rotation
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser]

SAMPLED_S = (0.0, 0.13, 0.4, 0.76)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A local server with the viewer at /static/ and the animated characters at /files/."""
    root = tmp_path_factory.mktemp("site")
    (root / "static").symlink_to(STATIC_DIR, target_is_directory=True)
    (root / "files").mkdir()
    motion = captured()
    characters = {
        "vrm0": read_gltf(DATA / "characters" / "vrm0_simple_morph.vrm"),
        "vrm1": vrm1_character(),
    }
    for name, character in characters.items():
        result = animate_character(character, motion.times_s, motion.blendshapes, motion.rotation)
        (root / "files" / f"{name}.glb").write_bytes(result.glb)
        (root / "files" / f"{name}.vrma").write_bytes(result.vrma)
    # The characters as they are, for the live view.
    shutil.copy(DATA / "characters" / "rpm_preview_5_morphs.glb", root / "files" / "rpm.glb")
    rest = characters["vrm1"]
    (root / "files" / "vrm1-rest.vrm").write_bytes(glb_bytes(rest.document, rest.binary))
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def page(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.external, page.errors = [], []

        def only_local(route):
            if route.request.url.startswith(site):
                route.continue_()
            else:
                page.external.append(route.request.url)
                route.abort()

        page.route("**/*", only_local)
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        yield page
        browser.close()


def sample(page, site: str, name: str) -> list[dict]:
    page.goto(
        f"{site}/static/character.html?model=/files/{name}.glb&animation=/files/{name}.vrma"
        "&paused=1"
    )
    return page.evaluate(
        """async (times) => {
            const viewer = await window.viewer.ready;
            return times.map((t) => viewer.setTime(t));
        }""",
        list(SAMPLED_S),
    )


def expected(name: str) -> np.ndarray:
    """(len(SAMPLED_S),) the expression's weight at the sampled times, from the capture."""
    motion = captured()
    return np.interp(SAMPLED_S, motion.times_s, evaluate(match(name), motion.blendshapes))


@pytest.mark.parametrize("name", ["vrm0", "vrm1"])
def test_three_vrm_plays_the_vrma_expressions_as_captured(page, site, name):
    samples = sample(page, site, name)
    assert not page.errors and not page.external
    names = ["aa", "blink", "happy"] + (list(PERFECT_SYNC) if name == "vrm1" else ["blinkLeft"])
    for expression in names:
        shown = [frame["expressions"][expression] for frame in samples]
        np.testing.assert_allclose(shown, expected(expression), atol=1e-4, err_msg=expression)
    assert samples[-1]["expressions"]["aa"] > 0.9


def test_the_vrm_head_turns_as_captured(page, site):
    samples = sample(page, site, "vrm1")
    motion = captured()
    turns = Rotation.from_matrix(motion.rotation)
    for t, frame in zip(SAMPLED_S, samples, strict=True):
        index = int(np.argmin(np.abs(motion.times_s - t)))
        if abs(motion.times_s[index] - t) > 1e-6:
            continue  # between keys: slerp vs. the mixer's interpolation, not compared
        shown = Rotation.from_quat(frame["head"])
        assert np.degrees((shown * turns[index].inv()).magnitude()) < 0.5
    assert np.degrees(Rotation.from_quat(samples[-1]["head"]).magnitude()) > 40


def live_pose(page, site: str, model: str, pose: dict) -> dict:
    page.goto(f"{site}/static/character.html?model={model}&live=1")
    return page.evaluate("async (pose) => (await window.viewer.ready).applyPose(pose)", pose)


def test_the_live_view_poses_a_glb_avatar_frame_by_frame(page, site):
    character = read_gltf(DATA / "characters" / "rpm_preview_5_morphs.glb")
    motion = captured()
    pose = CharacterPose(character.document).frame(motion.blendshapes[-1], motion.rotation[-1])
    shown = live_pose(page, site, "/files/rpm.glb", pose)
    assert not page.errors and not page.external
    document = character.document
    head_mesh = next(i for i, m in enumerate(document["meshes"]) if m["name"] == "Wolf3D_Head")
    np.testing.assert_allclose(
        shown["influences"][str(head_mesh)], pose["morphs"][str(head_mesh)], atol=1e-6
    )
    assert shown["influences"][str(head_mesh)][0] == pytest.approx(1.0, abs=1e-6)  # jawOpen
    joints = {int(node): q for node, q in pose["joints"].items()}
    head = next(i for i, n in enumerate(document["nodes"]) if n.get("name") == "Head")
    expected = scene_rotation(document, head, joints)
    assert (Rotation.from_quat(shown["head"]) * expected.inv()).magnitude() < 1e-4


def test_the_live_view_poses_a_vrm_through_three_vrm(page, site):
    character = vrm1_character()
    motion = captured()
    pose = CharacterPose(character.document).frame(motion.blendshapes[10], motion.rotation[10])
    shown = live_pose(page, site, "/files/vrm1-rest.vrm", pose)
    assert not page.errors
    for name, weight in pose["expressions"].items():
        assert shown["expressions"][name] == pytest.approx(weight, abs=1e-6), name
    turn = Rotation.from_matrix(motion.rotation[10])
    assert (Rotation.from_quat(shown["head"]) * turn.inv()).magnitude() < 1e-4
