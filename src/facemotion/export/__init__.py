"""Capture outputs built as bytes or text (CSV, JSON, BVH, glTF, PNG) or drawn frames."""
