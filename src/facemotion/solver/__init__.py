"""The solver: landmarks in, head pose and ARKit blendshape weights out, arrays only.

Per frame (`streaming.StreamingSolver`, for live) or per clip (`clip.solve`); the job that
reads a video and writes files is `facemotion.pipeline.capture`.
"""
