"""The person and the scene behind as two layers: the person moves, the scene stays still.

Once per source: the segmenter's person confidence (landmarks/segmentation.py), joined with
the face, becomes the person's opacity; a background plate is the source with the person
(grown by a margin) filled from its surroundings (fill.py: copies of the scene's own texture,
shifted by offsets at which it repeats; or OpenCV's Telea inpainting), so what a moving head
uncovers is filled the same way in every frame (the fill is used under the person only); the
person layer is the source's colour with the plate's share taken out (premultiplied:
colour = source - (1 - alpha) * plate), so no old background colour fringes the hair as it
moves over another part of the scene.

Per frame: the person layer and its opacity are warped with one map (`PersonLayers.person_map`:
the face mesh inside the face, the head's similarity, rigidly, over hair, ears, a hat and the
neck, a share of the head's translation for the shoulders and body, fading at the image's
border) and laid over the plate: output = warped colour + (1 - warped opacity) * plate. With the
source's own pose the output is the source. Outside the warped person it is the plate, which
is the source wherever the person never was.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from facemotion.errors import InputError
from facemotion.landmarks.topology import CHIN, FOREHEAD_TOP
from facemotion.motion.fill import smooth_fill, texture_fill
from facemotion.motion.flow import face_weight
from facemotion.motion.mesh import face_topology
from facemotion.motion.similarity import Similarity

SCENE_MODES = ("still", "follow")  # the person over the still scene; the flow's surroundings
PLATE_FILLS = ("texture", "smooth")  # fill.texture_fill; fill.smooth_fill (Telea)
_SUBPIXEL_BITS = 4
_BLUR_SAMPLES_PER_SIGMA = 4  # the coarsest grid a wide blur is done on, in samples per sigma


@dataclass(frozen=True)
class SceneOptions:
    """How the person moves over the still scene (`LandmarkOptions.scene` 'still').

    head_extent: the head's region (face, hair, ears, a hat), as the source's face oval scaled
    by this about its centre; it moves rigidly with the head. neck_drop: how far it reaches
    below the chin, in face heights (forehead to chin) along the face's downward axis; below,
    the body takes over. head_feather: the soft edge of that region, in oval radii.
    face_feather: the blend from the face mesh to the rigid head outside the oval, in oval
    radii. body_follow: the share of the head's translation the body (shoulders, chest)
    follows (a head moves mostly with the body that carries it: at 0.1 the shoulders stayed
    behind and the neck stretched; reconstructing carphone's person over a still scene,
    bench_default's default_selfrecon_l1_still_camera, was 0.0542 at 0.1, 0.0517 at 0.3,
    0.0509 at 0.5; the scene's change away from the person, bench_scene, 0.030 at each);
    border: that motion fades to nothing at the image's border over this share of the
    longer side (a body cut by the border is stretched there rather than smeared, and a
    pasted-back crop meets the still photo around it). The head is not held at the border: in
    a tight crop that bent the face as it came near (carphone's yaw followed at r 0.77 instead
    of 0.95 on Grace Hopper with a 6% border).
    alpha_low / alpha_high: the segmenter's confidence is mapped linearly onto the person's
    opacity, 0 at alpha_low, 1 at alpha_high. edge_alpha: under the person's edge, up to this
    opacity, the plate leans on the source (the scene seen through the edge) rather than the
    fill. hole_margin: how far beyond the person the fill
    of the plate is taken from, in face heights (the scene just outside a segmenter's edge
    holds strands of hair and their blur, which would be smeared into the fill).
    plate_side: holes in larger sources are filled at this longer side and brought back
    (filling costs with the hole's area). fill: how the hole is filled, 'texture' (copies of
    the scene's own texture where it repeats itself, as curtains and windows do, the smooth
    fill elsewhere; fill.texture_fill) or 'smooth' (OpenCV's Telea inpainting, streaked on
    textured scenes; the fill before). fill_shift: the shortest offset a texture
    fill copies by, in face heights: farther than a moving head uncovers (~0.4 on the
    carphone clip), so what the viewer sees is one clean copy of the scene beside it.
    """

    head_extent: float = 2.2
    neck_drop: float = 0.3
    head_feather: float = 0.3
    face_feather: float = 0.3
    body_follow: float = 0.3
    border: float = 0.06
    alpha_low: float = 0.02
    alpha_high: float = 0.8
    edge_alpha: float = 0.3
    hole_margin: float = 0.0
    plate_side: int = 384
    inpaint_radius_px: float = 5.0
    fill: str = "texture"
    fill_shift: float = 0.5

    def __post_init__(self) -> None:
        if self.fill not in PLATE_FILLS:
            raise InputError(f"fill must be one of {', '.join(PLATE_FILLS)}, not {self.fill!r}")


def person_opacity(
    confidence: np.ndarray, landmarks: np.ndarray, options: SceneOptions = SceneOptions()
) -> np.ndarray:
    """The person's opacity (H, W) float32 in [0, 1]: the segmenter's confidence (H, W) ramped
    between alpha_low and alpha_high, and 1 over the face oval of `landmarks` (478, >=2) px
    (the face always moves, whatever the segmenter missed); only the parts joined to the
    face."""
    ramp = (np.asarray(confidence, np.float32) - options.alpha_low) / (
        options.alpha_high - options.alpha_low
    )
    alpha = np.clip(ramp, 0.0, 1.0)
    oval = np.asarray(landmarks, np.float64)[face_topology().oval, :2]
    face = np.zeros(alpha.shape, np.float32)
    points = np.round((oval - 0.5) * (1 << _SUBPIXEL_BITS)).astype(np.int32)
    cv2.fillPoly(face, [points], 1.0, lineType=cv2.LINE_AA, shift=_SUBPIXEL_BITS)
    alpha = np.maximum(alpha, face)
    # Only what joins the face: specks of confidence in the scene (Grace Hopper before a
    # window: 1.9% of the far scene) would move with the head, and another person in the
    # photo is scene to this one.
    count, labels = cv2.connectedComponents((alpha > 0).astype(np.uint8), connectivity=8)
    if count > 2:
        joined = np.unique(labels[face > 0])
        alpha[~np.isin(labels, joined[joined > 0])] = 0.0
    return alpha


def background_plate(
    source: np.ndarray,
    hole: np.ndarray,
    side: int = 384,
    radius_px: float = 5.0,
    fill: str = "texture",
    shift_px: float = 32.0,
) -> np.ndarray:
    """The source (H, W, 3) float32 [0, 1] with `hole` (H, W) bool filled from its
    surroundings (at `side` at most, brought back): by `fill` 'texture' (fill.texture_fill,
    copying by offsets at least `shift_px` long) or 'smooth' (fill.smooth_fill, Telea with
    `radius_px`); outside the hole it is the source, bit for bit."""
    height, width = hole.shape
    image = np.clip(source * 255.0 + 0.5, 0, 255).astype(np.uint8)
    mask = hole.astype(np.uint8)
    scale = min(1.0, side / max(height, width))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        mask = (cv2.resize(mask, size, interpolation=cv2.INTER_AREA) > 0).astype(np.uint8)
        # a small copy's hole must cover the whole hole once brought back
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    if fill == "texture":
        texture = texture_fill(
            image.astype(np.float32) / 255.0,
            mask > 0,
            shift_px * scale,
            radius_px=radius_px * scale,
        )
        filled = np.clip(texture * 255.0 + 0.5, 0, 255).astype(np.uint8)
    else:
        filled = smooth_fill(image, mask > 0, radius_px * scale)
    if scale < 1.0:
        filled = cv2.resize(filled, (width, height), interpolation=cv2.INTER_LINEAR)
    plate = np.array(source, dtype=np.float32, copy=True)
    plate[hole] = filled[hole].astype(np.float32) / 255.0
    return plate


def _soft(mask: np.ndarray, sigma: float) -> np.ndarray:
    """mask (H, W) float32 blurred by a Gaussian of `sigma` px, on a grid averaged down so
    the kernel stays small (a wide blur at full size costs with its width)."""
    shrink = max(1, int(sigma // _BLUR_SAMPLES_PER_SIGMA))
    if shrink == 1:
        return cv2.GaussianBlur(mask, (0, 0), max(sigma, 0.5))
    height, width = mask.shape
    small = (max(1, width // shrink), max(1, height // shrink))
    averaged = cv2.resize(mask, small, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(averaged, (0, 0), sigma / shrink)
    return cv2.resize(blurred, (width, height), interpolation=cv2.INTER_LINEAR)


def head_region(
    landmarks: np.ndarray, shape: tuple[int, int], options: SceneOptions = SceneOptions()
) -> np.ndarray:
    """Where the source's head is (face, hair, ears, a hat, the upper neck): (H, W) float32,
    1 inside, 0 over the body and far background, soft in between. The face oval of
    `landmarks` (478, >=2) px scaled by head_extent, cut neck_drop face heights below the
    chin, feathered by head_feather oval radii."""
    points = np.asarray(landmarks, np.float64)[:, :2]
    oval = points[face_topology().oval]
    centre = oval.mean(axis=0)
    radius = float(np.sqrt(np.mean(np.sum((oval - centre) ** 2, axis=1))))
    sigma = options.head_feather * radius / 2
    # Grown by one sigma, so that the blur's half-way line lies on the scaled oval.
    grown = centre + (oval - centre) * (options.head_extent + 2 * sigma / max(radius, 1e-6))
    region = np.zeros(shape, np.float32)
    to_pixels = 1 << _SUBPIXEL_BITS
    cv2.fillPoly(
        region, [np.round((grown - 0.5) * to_pixels).astype(np.int32)], 1.0, shift=_SUBPIXEL_BITS
    )
    down = points[CHIN] - points[FOREHEAD_TOP]
    height = max(float(np.hypot(*down)), 1e-6)
    down /= height
    across = np.array([-down[1], down[0]])
    far = 4.0 * float(max(shape)) + 4.0 * height
    cut = points[CHIN] + down * (options.neck_drop * height + sigma)
    below = np.array([cut - across * far, cut + across * far, cut + down * far + across * far])
    below = np.vstack([below, cut + down * far - across * far])
    cv2.fillConvexPoly(
        region, np.round((below - 0.5) * to_pixels).astype(np.int32), 0.0, shift=_SUBPIXEL_BITS
    )
    return _soft(region, sigma)


def _border_fade(coarse_shape: tuple[int, int], step: int, shape: tuple[int, int], share: float):
    """(h, w) float64 at the coarse grid: 0 at the image's border, rising smoothly to 1 at
    `share` of the longer side inside it."""
    height, width = shape
    margin = max(share * max(height, width), 1e-6)
    ys = np.arange(coarse_shape[0], dtype=np.float64) * step + (step - 1) / 2 + 0.5
    xs = np.arange(coarse_shape[1], dtype=np.float64) * step + (step - 1) / 2 + 0.5
    near_y = np.clip(np.minimum(ys, height - ys) / margin, 0.0, 1.0)
    near_x = np.clip(np.minimum(xs, width - xs) / margin, 0.0, 1.0)
    ramp = np.minimum(near_y[:, None], near_x[None, :])
    return ramp * ramp * (3 - 2 * ramp)


class PersonLayers:
    """The source split once into a moving person and a still background plate.

    source: (H, W, 3) float32 [0, 1]; confidence: (H, W) float32, the segmenter's person
    confidence; landmarks: (478, >=2) the source's, px.
    `layer` (H, W, 4) float32: the person's premultiplied colour and its opacity;
    `plate` (H, W, 3) float32: the background with the person inpainted;
    `head` (H, W) float32: `head_region`.
    `last_opacity` (H, W) float32: the warped opacity of the last `composite` (None before),
    where the person lies in that frame (benchmarks read it to look at the person alone).
    """

    def __init__(
        self,
        source: np.ndarray,
        confidence: np.ndarray,
        landmarks: np.ndarray,
        options: SceneOptions = SceneOptions(),
    ) -> None:
        self.options = options
        source = np.asarray(source, np.float32)
        points = np.asarray(landmarks, np.float64)[:, :2]
        self.shape = source.shape[:2]
        alpha = person_opacity(confidence, points, options)
        face_height = float(np.hypot(*(points[CHIN] - points[FOREHEAD_TOP])))
        margin = round(options.hole_margin * face_height)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * margin + 1,) * 2)
        person = alpha > 0
        hole = cv2.dilate(person.astype(np.uint8), kernel) > 0
        # Filled from beyond the margin (the scene just outside a segmenter's edge holds
        # strands of hair and their blur), used under the person only: around it the plate
        # is the source, so the source's own pose gives the source back.
        filled = background_plate(
            source,
            hole,
            options.plate_side,
            options.inpaint_radius_px,
            options.fill,
            options.fill_shift * face_height,
        )
        # Under the person's faint outer edge the source itself is the better guess of the
        # scene behind (a window bar crossing the edge goes on there, where the fill would
        # smooth it away and the edge, unmixed against the fill, would no longer give back the
        # source); the fill takes over as the person grows opaque.
        faint = np.clip(alpha / options.edge_alpha, 0.0, 1.0)[..., None]
        faint = faint * faint * (3 - 2 * faint)
        self.plate = source + faint * (filled - source)
        weight = alpha[..., None]
        # Kept to [0, weight] (a colour in [0, 1]): where the fill differs from the scene that
        # was behind a half-transparent edge, the unmixed colour leaves [0, 1], and moved over
        # another part of the plate it showed as bright and dark specks along the hair. The
        # price: at such an edge the source's own pose gives back the edge over the fill.
        colour = np.clip(source - (1.0 - weight) * self.plate, 0.0, weight)
        self.layer = np.concatenate([colour, weight], axis=2).astype(np.float32)
        self.head = head_region(points, self.shape, options)
        self.centre = points[face_topology().oval].mean(axis=0)
        self._fade: tuple[tuple[int, int], np.ndarray] | None = None
        self.last_opacity: np.ndarray | None = None

    def person_map(
        self,
        mesh_x: np.ndarray,
        mesh_y: np.ndarray,
        target_oval: np.ndarray,
        head: Similarity,
        step: int,
        on_face: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The backward map of the person at the grid of `coarse_map` (h, w) float64: the face
        mesh's map (mesh_x, mesh_y) inside the target face oval (N, 2) px, the inverse of
        `head` (source -> target similarity) over the rest of the head, a share of its
        translation over the body, fading to no motion at the image's border."""
        options = self.options
        coarse = mesh_x.shape
        ys = np.arange(coarse[0], dtype=np.float64)[:, None] * step + (step - 1) / 2
        xs = np.arange(coarse[1], dtype=np.float64)[None, :] * step + (step - 1) / 2
        # Pixel indices -> landmark coordinates (+0.5), through the inverse similarity, back.
        inverse = head.rotation.T / head.scale
        shift = -inverse @ head.translation + inverse @ [0.5, 0.5] - 0.5
        rigid_x = inverse[0, 0] * xs + inverse[0, 1] * ys + shift[0]
        rigid_y = inverse[1, 0] * xs + inverse[1, 1] * ys + shift[1]
        in_head = cv2.remap(
            self.head,
            rigid_x.astype(np.float32),
            rigid_y.astype(np.float32),
            cv2.INTER_LINEAR,
            # A head cut by the border goes on beyond it (constant 0 there handed a strip of
            # hair near the border to the body's map, which left it behind as the head moved).
            borderMode=cv2.BORDER_REPLICATE,
        ).astype(np.float64)
        body = options.body_follow * (head(self.centre[None])[0] - self.centre)
        fade = self._border_fade(coarse, step)
        body_x, body_y = xs - fade * body[0], ys - fade * body[1]
        rest_x = body_x + in_head * (rigid_x - body_x)
        rest_y = body_y + in_head * (rigid_y - body_y)
        if on_face is None:
            on_face = self.face_share(target_oval, coarse, step)
        map_x = rest_x + on_face * (mesh_x - rest_x)
        map_y = rest_y + on_face * (mesh_y - rest_y)
        return map_x, map_y

    def face_share(self, target_oval: np.ndarray, coarse: tuple[int, int], step: int) -> np.ndarray:
        """How much of the face mesh's map `person_map` takes at each sample of the grid of
        `coarse_map` (h, w) float64: 1 inside the target face oval (N, 2) px, falling to 0 over
        face_feather oval radii outside it (0 beyond: the mesh's map is not needed there)."""
        return face_weight(target_oval, coarse, step, self.options.face_feather).astype(np.float64)

    def _border_fade(self, coarse: tuple[int, int], step: int) -> np.ndarray:
        if self._fade is None or self._fade[0] != coarse:
            self._fade = (coarse, _border_fade(coarse, step, self.shape, self.options.border))
        return self._fade[1]

    def composite(self, map_x: np.ndarray, map_y: np.ndarray) -> np.ndarray:
        """The person warped by the full-size map (H, W) float32 (cv2.remap's convention),
        laid over the plate: (H, W, 3) float32."""
        # A person cut by the border goes on beyond it: a body moving up with a head in a
        # tight crop keeps its suit at the bottom edge (transparent there showed a strip of
        # the plate's fill under the demo astronaut's neck).
        warped = cv2.remap(
            self.layer, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        # OpenCV on contiguous planes: numpy's broadcast over the (H, W, 4) view took ~4 ms
        # a frame at 256x256 on a busy machine, more than the remap.
        colour = cv2.cvtColor(warped, cv2.COLOR_RGBA2RGB)
        self.last_opacity = warped[..., 3]
        clear = 1.0 - self.last_opacity
        return cv2.add(colour, cv2.multiply(self.plate, cv2.merge((clear, clear, clear))))
