"""MediaPipe's Face Landmarker: frames in, one FaceObservation per frame out (478 pixel
landmarks, 52 learned ARKit blendshape scores, the facial transformation matrix, a found flag)."""

from facemotion.landmarks.image import detect_image_face, detect_image_landmarks
from facemotion.landmarks.landmarker import FaceObservation, FaceObserver
from facemotion.landmarks.tracker import LandmarkTracker, detect_landmarks, observe_faces

__all__ = [
    "FaceObservation",
    "FaceObserver",
    "LandmarkTracker",
    "detect_image_face",
    "detect_image_landmarks",
    "detect_landmarks",
    "observe_faces",
]
