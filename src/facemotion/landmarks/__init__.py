"""MediaPipe face landmarks: frames in, (478, 3) pixel landmarks and a found flag out."""

from facemotion.landmarks.image import detect_image_landmarks
from facemotion.landmarks.tracker import LandmarkTracker, detect_landmarks

__all__ = ["LandmarkTracker", "detect_image_landmarks", "detect_landmarks"]
