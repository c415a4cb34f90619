// The character viewer: loads a .glb/.vrm (and a VRM Animation .vrma for a VRM) and plays it;
// with ?live=1 it plays nothing and takes poses instead (postMessage {type: "facemotion-pose",
// pose}, as export/character/pose.py makes them: morph weights by glTF mesh, joint rotations by
// glTF node, VRM expressions and normalised neck and head rotations).
// window.viewer exposes what the tests read: ready (a promise), vrm, mixer, duration, applyPose,
// setTime(seconds) -> {expressions: {name: weight}, head: world quaternion [x, y, z, w]} after
// posing the character at that time.
import * as THREE from "three";
import { GLTFLoader } from "three/addons/loaders/GLTFLoader.js";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import { VRMLoaderPlugin, VRMUtils } from "@pixiv/three-vrm";
import {
  VRMAnimationLoaderPlugin,
  VRMLookAtQuaternionProxy,
  createVRMAnimationClip,
} from "@pixiv/three-vrm-animation";

const params = new URLSearchParams(window.location.search);
const status = document.getElementById("status");
const canvas = document.getElementById("view");

function loader() {
  const gltfLoader = new GLTFLoader();
  gltfLoader.register((parser) => new VRMLoaderPlugin(parser));
  gltfLoader.register((parser) => new VRMAnimationLoaderPlugin(parser));
  return gltfLoader;
}

function makeRenderer() {
  // Software-only browsers (headless test runs) may have no WebGL: play without drawing.
  try {
    const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    renderer.setPixelRatio(window.devicePixelRatio);
    return renderer;
  } catch (error) {
    status.textContent = "this browser has no WebGL: the animation runs without a picture";
    return null;
  }
}

function headOf(root, vrm) {
  const bone = vrm?.humanoid?.getNormalizedBoneNode("head") ?? null;
  if (bone) return bone;
  let found = null;
  root.traverse((node) => {
    if (!found && /(^|[:|])head$/i.test(node.name)) found = node;
  });
  return found;
}

async function load(modelUrl, animationUrl) {
  const gltfLoader = loader();
  const gltf = await gltfLoader.loadAsync(modelUrl);
  const vrm = gltf.userData.vrm ?? null;
  const root = vrm ? vrm.scene : gltf.scene;
  if (vrm) {
    VRMUtils.rotateVRM0(vrm); // a VRM 0.x faces -Z; turned to face the camera like 1.0
  }
  const mixer = new THREE.AnimationMixer(root);
  let clip = null;
  if (vrm && animationUrl) {
    if (vrm.lookAt) {
      const proxy = new VRMLookAtQuaternionProxy(vrm.lookAt);
      proxy.name = "VRMLookAtQuaternionProxy";
      vrm.scene.add(proxy);
    }
    const animation = await gltfLoader.loadAsync(animationUrl);
    clip = createVRMAnimationClip(animation.userData.vrmAnimations[0], vrm);
  } else if (gltf.animations.length) {
    clip = gltf.animations[gltf.animations.length - 1];
  }
  const action = clip && params.get("live") !== "1" ? mixer.clipAction(clip) : null;
  action?.play();
  return { gltf, vrm, root, mixer, clip: action ? clip : null, duration: action ? clip.duration : 0 };
}

function glTFIndex(gltf) {
  // three.js objects by the glTF mesh (every primitive's mesh) and node they came from.
  const meshes = new Map();
  const nodes = new Map();
  gltf.scene.traverse((object) => {
    const association = gltf.parser.associations.get(object);
    if (!association) return;
    if (association.meshes !== undefined && object.morphTargetInfluences) {
      if (!meshes.has(association.meshes)) meshes.set(association.meshes, []);
      meshes.get(association.meshes).push(object);
    }
    if (association.nodes !== undefined) nodes.set(association.nodes, object);
  });
  return { meshes, nodes };
}

function poser(loaded) {
  const { gltf, vrm } = loaded;
  const index = glTFIndex(gltf);
  // three-vrm turns a VRM 0.x round; its normalised bones then take x and z mirrored, as
  // three-vrm-animation does for the same tracks.
  const mirrored = vrm?.meta?.metaVersion === "0";
  return (pose) => {
    for (const [mesh, weights] of Object.entries(pose.morphs ?? {})) {
      for (const object of index.meshes.get(Number(mesh)) ?? []) {
        weights.forEach((weight, k) => {
          if (k < object.morphTargetInfluences.length) object.morphTargetInfluences[k] = weight;
        });
      }
    }
    if (vrm) {
      for (const [name, weight] of Object.entries(pose.expressions ?? {})) {
        vrm.expressionManager?.setValue(name, weight);
      }
      for (const [bone, q] of Object.entries(pose.humanoid ?? {})) {
        const node = vrm.humanoid?.getNormalizedBoneNode(bone);
        if (node) node.quaternion.set(mirrored ? -q[0] : q[0], q[1], mirrored ? -q[2] : q[2], q[3]);
      }
      vrm.update(0);
    } else {
      for (const [node, q] of Object.entries(pose.joints ?? {})) {
        index.nodes.get(Number(node))?.quaternion.fromArray(q);
      }
    }
  };
}

function frame(scene, camera, root, vrm) {
  root.updateMatrixWorld(true);
  const head = headOf(root, vrm);
  const box = new THREE.Box3().setFromObject(root);
  const target = head ? head.getWorldPosition(new THREE.Vector3()) : box.getCenter(new THREE.Vector3());
  if (head) target.y += 0.07; // a head joint sits at the skull's base; aim at the face
  const size = box.getSize(new THREE.Vector3());
  const distance = head ? Math.max(0.6, size.y * 0.35) : Math.max(size.x, size.y, size.z) * 1.6;
  camera.position.set(target.x, target.y + distance * 0.05, target.z + distance);
  camera.lookAt(target);
  return target;
}

async function start() {
  const modelUrl = params.get("model");
  if (!modelUrl) {
    status.textContent = "no character: give ?model=URL";
    return null;
  }
  const loaded = await load(modelUrl, params.get("animation"));
  const { root, vrm, mixer } = loaded;
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0x282b33);
  scene.add(root);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x444455, 2.2));
  const light = new THREE.DirectionalLight(0xffffff, 1.6);
  light.position.set(1, 2, 3);
  scene.add(light);
  const camera = new THREE.PerspectiveCamera(30, 1, 0.01, 100);
  const target = frame(scene, camera, root, vrm);
  const renderer = makeRenderer();
  let controls = null;
  if (renderer) {
    controls = new OrbitControls(camera, canvas);
    controls.target.copy(target);
    controls.update();
  }
  const live = params.get("live") === "1";
  const paused = params.get("paused") === "1" || live;
  const applyPose = poser(loaded);
  if (live) {
    window.addEventListener("message", (event) => {
      if (event.data?.type !== "facemotion-pose") return;
      applyPose(event.data.pose);
      draw();
      status.textContent = "";
      window.posesReceived = (window.posesReceived ?? 0) + 1;
    });
  }
  const timer = new THREE.Timer();

  function pose(seconds) {
    // A looping clip is back at its start at its very end: stop a hair before.
    mixer.setTime(Math.min(seconds, Math.max(0, loaded.duration - 1e-5)));
    vrm?.update(0);
    root.updateMatrixWorld(true);
  }

  function draw() {
    if (!renderer) return;
    const width = canvas.clientWidth || 640;
    const height = canvas.clientHeight || 480;
    renderer.setSize(width, height, false);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
    renderer.render(scene, camera);
  }

  function tick() {
    if (!paused) {
      timer.update();
      const delta = timer.getDelta();
      mixer.update(delta);
      vrm?.update(delta);
    }
    draw();
    requestAnimationFrame(tick);
  }
  if (live) {
    status.textContent = "waiting for the camera";
  } else if (!renderer || paused) {
    pose(0);
    draw();
  } else {
    requestAnimationFrame(tick);
  }
  if (!live) status.textContent = loaded.clip ? `${loaded.duration.toFixed(2)} s` : "no animation";
  return {
    ...loaded,
    hasWebGL: renderer !== null,
    applyPose(pose) {
      applyPose(pose);
      root.updateMatrixWorld(true);
      draw();
      status.textContent = "";
      return read();
    },
    setTime(seconds) {
      pose(seconds);
      draw();
      return read();
    },
  };

  function read() {
    const expressions = {};
    if (vrm?.expressionManager) {
      for (const expression of vrm.expressionManager.expressions) {
        const name = expression.expressionName;
        expressions[name] = vrm.expressionManager.getValue(name);
      }
    }
    const head = headOf(root, vrm);
    const influences = {};
    for (const [mesh, objects] of glTFIndex(loaded.gltf).meshes) {
      influences[mesh] = Array.from(objects[0].morphTargetInfluences);
    }
    const rotation = head ? head.getWorldQuaternion(new THREE.Quaternion()).toArray() : null;
    return { expressions, influences, head: rotation };
  }
}

window.viewer = { ready: start().catch((error) => {
  status.textContent = `cannot show the character: ${error.message ?? error}`;
  throw error;
}) };
