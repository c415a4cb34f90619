#!/usr/bin/env bash
# Development time only: refresh the browser modules the web app ships for its character viewer
# (src/facemotion/web/static/vendor/) from npm. Nothing is fetched at run time: the package
# serves these files itself. Pinned versions; their licences are copied beside them.
set -euo pipefail
cd "$(dirname "$0")/.."
THREE=0.187.0
THREE_VRM=3.5.5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work" --no-audit --no-fund --no-save \
  "three@$THREE" "@pixiv/three-vrm@$THREE_VRM" "@pixiv/three-vrm-animation@$THREE_VRM" >/dev/null
modules="$work/node_modules"
vendor=src/facemotion/web/static/vendor
rm -rf "$vendor"
mkdir -p "$vendor/addons/loaders" "$vendor/addons/utils" "$vendor/addons/controls"
cp "$modules/three/build/three.module.js" "$modules/three/build/three.core.js" "$vendor/"
cp "$modules/three/examples/jsm/loaders/GLTFLoader.js" "$vendor/addons/loaders/"
cp "$modules/three/examples/jsm/utils/BufferGeometryUtils.js" \
  "$modules/three/examples/jsm/utils/SkeletonUtils.js" "$vendor/addons/utils/"
cp "$modules/three/examples/jsm/controls/OrbitControls.js" "$vendor/addons/controls/"
cp "$modules/@pixiv/three-vrm/lib/three-vrm.module.min.js" "$vendor/"
cp "$modules/@pixiv/three-vrm-animation/lib/three-vrm-animation.module.min.js" "$vendor/"
cp "$modules/three/LICENSE" "$vendor/LICENSE-three.txt"
cp "$modules/@pixiv/three-vrm/LICENSE" "$vendor/LICENSE-three-vrm.txt"
cp "$modules/@pixiv/three-vrm-animation/LICENSE" "$vendor/LICENSE-three-vrm-animation.txt"
cat > "$vendor/README.md" <<TEXT
# Vendored browser modules (MIT)

Copied unchanged from npm by scripts/vendor-three.sh: three $THREE (build/three.module.js,
three.core.js and the addons GLTFLoader, BufferGeometryUtils, SkeletonUtils, OrbitControls),
@pixiv/three-vrm $THREE_VRM and @pixiv/three-vrm-animation $THREE_VRM (lib/*.module.min.js).
The character viewer (../character.html) imports them through an import map; the web app serves
them itself, so nothing is fetched from a CDN. Licences: LICENSE-*.txt beside this file.
TEXT
echo "vendored into $vendor:"
du -sh "$vendor"
