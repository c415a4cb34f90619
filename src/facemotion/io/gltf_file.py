"""glTF 2.0 files as their JSON document and one binary chunk, kept exactly as stored.

A `.glb` / `.vrm` is a GLB container: a 12-byte header, a JSON chunk and an optional BIN chunk
(glTF 2.0 specification, section 4.4). The container is unpacked here by hand rather than
through pygltflib's reader and writer because pygltflib re-serialises the document through its
dataclasses: saving one of our test avatars moved every buffer view and added default material
fields. A character's own data must come out byte for byte, so the document stays a plain dict
and the BIN chunk stays the bytes that were read.

A `.gltf` is read the same way, with its buffers (data: URIs or files beside it) laid one after
another into one binary chunk and its file images moved into that chunk, so that it can be
written back as one self-contained `.glb`.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import struct
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from facemotion.errors import InputError

GLB_MAGIC = b"glTF"
JSON_CHUNK = 0x4E4F534A
BIN_CHUNK = 0x004E4942
GLB_SUFFIXES = (".glb", ".vrm", ".vrma")


@dataclass
class GltfDocument:
    """document: the glTF JSON as read; binary: the BIN chunk (buffer 0 when it has no uri)."""

    document: dict
    binary: bytearray


def parse_glb(data: bytes, name: str = "the file") -> GltfDocument:
    """The JSON and BIN chunks of a GLB container; InputError when it is not one."""
    if len(data) < 20 or data[:4] != GLB_MAGIC:
        raise InputError(f"{name} is not a binary glTF file (no 'glTF' header)")
    version, length = struct.unpack_from("<II", data, 4)
    if version != 2 or length > len(data):
        raise InputError(f"{name}: glTF version {version} or a cut-off file; glTF 2.0 is needed")
    document, binary, offset = None, bytearray(), 12
    while offset + 8 <= length:
        chunk_length, chunk_type = struct.unpack_from("<II", data, offset)
        chunk = data[offset + 8 : offset + 8 + chunk_length]
        if chunk_type == JSON_CHUNK and document is None:
            document = _json(chunk, name)
        elif chunk_type == BIN_CHUNK and not binary:
            binary = bytearray(chunk)
        offset += 8 + chunk_length
    if document is None:
        raise InputError(f"{name} has no JSON chunk; is it a glTF 2.0 binary?")
    return GltfDocument(document, binary)


def _json(text: bytes, name: str) -> dict:
    try:
        document = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{name}: its glTF JSON cannot be read ({exc})") from None
    if not isinstance(document, dict) or str(document.get("asset", {}).get("version")) != "2.0":
        raise InputError(f'{name} is not glTF 2.0 (asset.version must be "2.0")')
    return document


def read_gltf(path: Path) -> GltfDocument:
    """A .glb, .vrm or .gltf file (with its external buffers and images) as one document."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    data = path.read_bytes()
    if data[:4] == GLB_MAGIC:
        return parse_glb(data, path.name)
    return _merge_buffers(_json(data, path.name), path)


def _load_uri(uri: str, folder: Path, name: str) -> bytes:
    if uri.startswith("data:"):
        return base64.b64decode(uri.split(",", 1)[1])
    target = folder / unquote(uri)
    if not target.is_file():
        raise InputError(f"{name} refers to {uri}, which is not beside it in {folder}")
    return target.read_bytes()


def _merge_buffers(document: dict, path: Path) -> GltfDocument:
    """Buffers laid end to end (each 8-byte aligned) into one chunk; buffer views re-pointed.

    Only the buffer views' `buffer` and `byteOffset` change; accessors and the bytes they read
    are the same. Images stored as files become buffer views of the chunk.
    """
    binary = bytearray()
    starts = []
    for buffer in document.get("buffers", []):
        binary += b"\0" * (-len(binary) % 8)
        starts.append(len(binary))
        if "uri" in buffer:
            binary += _load_uri(buffer["uri"], path.parent, path.name)[: buffer["byteLength"]]
        else:
            binary += b"\0" * buffer["byteLength"]
    for view in document.get("bufferViews", []):
        view["byteOffset"] = view.get("byteOffset", 0) + starts[view["buffer"]]
        view["buffer"] = 0
    for image in document.get("images", []):
        uri = image.get("uri")
        if uri is None or uri.startswith("data:"):
            continue
        content = _load_uri(uri, path.parent, path.name)
        binary += b"\0" * (-len(binary) % 4)
        document.setdefault("bufferViews", []).append(
            {"buffer": 0, "byteOffset": len(binary), "byteLength": len(content)}
        )
        binary += content
        image["bufferView"] = len(document["bufferViews"]) - 1
        image["mimeType"] = image.get("mimeType") or mimetypes.guess_type(uri)[0] or "image/png"
        del image["uri"]
    if binary:
        document["buffers"] = [{"byteLength": len(binary)}]
    else:
        document.pop("buffers", None)
    return GltfDocument(document, binary)


def glb_bytes(document: dict, binary: bytes) -> bytes:
    """A GLB container of `document` and `binary` (each chunk padded to 4 bytes as required:
    the JSON with spaces, the BIN with zeros)."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 4)
    body = struct.pack("<II", len(text), JSON_CHUNK) + text
    if binary:
        padded = bytes(binary) + b"\0" * (-len(binary) % 4)
        body += struct.pack("<II", len(padded), BIN_CHUNK) + padded
    return GLB_MAGIC + struct.pack("<II", 2, 12 + len(body)) + body
