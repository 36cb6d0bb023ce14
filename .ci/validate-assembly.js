// Validates a cloud assembly with @aws-cdk/cloud-assembly-schema, schema validation on:
// manifest.json and every asset manifest it names. Usage: node validate-assembly.js <cdk.out>
const path = require('path');
const { Manifest } = require('@aws-cdk/cloud-assembly-schema');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node validate-assembly.js <assembly dir>');
  process.exit(2);
}
const manifest = Manifest.loadAssemblyManifest(path.join(dir, 'manifest.json'), { validateSchema: true });
let stacks = 0;
let assetManifests = 0;
for (const artifact of Object.values(manifest.artifacts || {})) {
  if (artifact.type === 'aws:cloudformation:stack') stacks += 1;
  if (artifact.type === 'cdk:asset-manifest') {
    Manifest.loadAssetManifest(path.join(dir, artifact.properties.file), { validateSchema: true });
    assetManifests += 1;
  }
}
console.log(`valid cloud assembly (schema ${Manifest.version()}): ${stacks} stacks, ${assetManifests} asset manifests`);
