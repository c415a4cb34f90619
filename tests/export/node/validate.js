// Validate a .glb with the Khronos glTF validator; print its report as JSON on stdout.
// Usage: node validate.js FILE.glb
const fs = require("fs");
const validator = require("gltf-validator");

const bytes = new Uint8Array(fs.readFileSync(process.argv[2]));
validator
  .validateBytes(bytes, { maxIssues: 100 })
  .then((report) => process.stdout.write(JSON.stringify(report)))
  .catch((error) => {
    process.stderr.write(String(error) + "\n");
    process.exit(1);
  });
