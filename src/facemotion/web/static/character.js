// The character viewer: loads a .glb/.vrm (and a VRM Animation .vrma for a VRM) and plays it.
// window.viewer exposes what the tests read: ready (a promise), vrm, mixer, duration,
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
    if (!found && /(^|[:_|])head$/i.test(node.name)) found = node;
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
  const action = clip ? mixer.clipAction(clip) : null;
  action?.play();
  return { gltf, vrm, root, mixer, clip, duration: clip ? clip.duration : 0 };
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
  const paused = params.get("paused") === "1";
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
  if (!renderer || paused) {
    pose(0);
    draw();
  } else {
    requestAnimationFrame(tick);
  }
  status.textContent = loaded.clip ? `${loaded.duration.toFixed(2)} s` : "no animation";
  return {
    ...loaded,
    hasWebGL: renderer !== null,
    setTime(seconds) {
      pose(seconds);
      draw();
      const expressions = {};
      if (vrm?.expressionManager) {
        for (const expression of vrm.expressionManager.expressions) {
          const name = expression.expressionName;
          expressions[name] = vrm.expressionManager.getValue(name);
        }
      }
      const head = headOf(root, vrm);
      return { expressions, head: head ? head.getWorldQuaternion(new THREE.Quaternion()).toArray() : null };
    },
  };
}

window.viewer = { ready: start().catch((error) => {
  status.textContent = `cannot show the character: ${error.message ?? error}`;
  throw error;
}) };
