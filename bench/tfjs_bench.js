// TensorFlow.js's half of the benchmark, timed exactly as bench/webflow_bench.py times webflow:
// an untimed warm-up (shader compiles), then `batches` batches of ops back to back, each lasting
// at least minTime seconds and ending with one wait; the result is the median batch's seconds per
// op. "Kernel only" waits by reading back the sum of the last result (one value); "readback"
// copies every result with dataSync().
// Uses the global `tf` from vendor/tf.es2017.min.js, on its WebGL backend.

let minTime = 0.3;
let batches = 3;

export async function start(options) {
  ({ minTime, batches } = options);
  await tf.setBackend("webgl");
  await tf.ready();
  // NOTE: TF.js runs ops on tiny CPU-resident tensors on the CPU; turn that shortcut off so the
  // dispatch row measures WebGL kernels, as webflow's does.
  tf.env().set("WEBGL_CPU_FORWARD", false);
  return { tfjs: tf.version.tfjs, backend: tf.getBackend() };
}

// [seconds per op (the median batch), ops per batch, each batch's seconds per op]; as per_op in
// webflow_bench.py.
export function perOp(batch, first = 1, warm = true, maxReps = 100_000) {
  if (warm) batch(1); // compiles, texture pool, first-use uploads
  const seconds = batch(first);
  const per = Math.max(seconds, 1e-4) / first; // NOTE: performance.now() ticks in 0.1 ms steps
  const samples = seconds >= minTime ? [per] : [];
  const reps = samples.length ? first : Math.min(maxReps, Math.ceil(minTime / per));
  while (samples.length < batches) samples.push(batch(reps) / reps);
  const sorted = [...samples].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return [median, reps, samples];
}

function sync(t) {
  const sum = tf.sum(t);
  sum.dataSync();
  sum.dispose();
}

function kernelBatch(op) {
  return (r) => {
    const start = performance.now();
    let out = null;
    for (let i = 0; i < r; i++) {
      const next = op();
      if (out) out.dispose();
      out = next;
    }
    sync(out);
    out.dispose();
    return (performance.now() - start) / 1000;
  };
}

function readbackBatch(op, keep) {
  return (r) => {
    const start = performance.now();
    let values;
    for (let i = 0; i < r; i++) {
      const out = op();
      values = out.dataSync();
      out.dispose();
    }
    const seconds = (performance.now() - start) / 1000;
    if (keep) keep(values);
    return seconds;
  };
}

// Times each [batch, first, warm?] given: { name: seconds per op, reps: { name: ops per batch },
// samples: { name: [seconds per op of each batch] } }.
function measure(batchesByName) {
  const result = { reps: {}, samples: {} };
  for (const [name, [batch, first, warm = true]] of Object.entries(batchesByName)) {
    [result[name], result.reps[name], result.samples[name]] = perOp(batch, first, warm);
  }
  return result;
}

// inputs: { name: [Float32Array, rows, cols] }, the numbers webflow_bench.set_input got.
function tensors(inputs, names) {
  return names.map((name) => {
    const [values, rows, cols] = inputs[name];
    return tf.tensor2d(values, [rows, cols]);
  });
}

export function matmul(inputs) {
  const [a, b] = tensors(inputs, ["a", "b"]);
  let values = null;
  const result = measure({
    kernel: [kernelBatch(() => tf.matMul(a, b)), 1],
    readback: [readbackBatch(() => tf.matMul(a, b), (v) => { values = v; }), 1, false],
  });
  tf.dispose([a, b]);
  return { ...result, values };
}

export function elementwise(inputs) {
  const [x, y, logits] = tensors(inputs, ["x", "y", "logits"]);
  const result = measure({
    add: [kernelBatch(() => tf.add(x, y)), 3],
    relu: [kernelBatch(() => tf.relu(x)), 3],
    softmax: [kernelBatch(() => tf.softmax(logits)), 3],
  });
  tf.dispose([x, y, logits]);
  return result;
}

export function dispatch(inputs) {
  const [a, b] = tensors(inputs, ["tiny_a", "tiny_b"]);
  const result = measure({
    dispatch: [kernelBatch(() => tf.add(a, b)), 100],
    roundtrip: [readbackBatch(() => tf.add(a, b)), 10],
  });
  tf.dispose([a, b]);
  return result;
}

// The webflow_conv inputs: [batch * h * w, channels] -> NHWC; [9 * in, out] -> 3x3 HWIO filters.
export function conv(inputs) {
  const image = (name, h, w) => {
    const [values, rows, cols] = inputs[name];
    return tf.tensor4d(values, [rows / (h * w), h, w, cols]);
  };
  const filter = (name) => {
    const [values, rows, cols] = inputs[name];
    return tf.tensor4d(values, [3, 3, rows / 9, cols]);
  };
  const [x1, w1, x2, w2, poolX] = [image("conv_x1", 28, 28), filter("conv_w1"), image("conv_x2", 14, 14),
    filter("conv_w2"), image("pool_x", 28, 28)];
  const result = measure({
    conv1: [kernelBatch(() => tf.conv2d(x1, w1, 1, "same")), 1],
    conv2: [kernelBatch(() => tf.conv2d(x2, w2, 1, "same")), 1],
    max_pool: [kernelBatch(() => tf.maxPool(poolX, 2, 2, "valid")), 1],
  });
  tf.dispose([x1, w1, x2, w2, poolX]);
  return result;
}

// ops4: conv gradients (the kernels TF.js's conv2d gradient runs), concat and pad; as webflow_ops4.
export function ops4(inputs) {
  const image = (name, h, w) => {
    const [values, rows, cols] = inputs[name];
    return tf.tensor4d(values, [rows / (h * w), h, w, cols]);
  };
  const filter = (name) => {
    const [values, rows, cols] = inputs[name];
    return tf.tensor4d(values, [3, 3, rows / 9, cols]);
  };
  const [x1, w1, x2, w2] = [image("conv_x1", 28, 28), filter("conv_w1"), image("conv_x2", 14, 14), filter("conv_w2")];
  const [dy1, dy2] = [image("conv_dy1", 28, 28), image("conv_dy2", 14, 14)];
  const backpropFilter = (x, dy, filterShape) => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy },
    { strides: 1, pad: "same", dataFormat: "NHWC", filterShape });
  const cat = tensors(inputs, ["cat_0", "cat_1", "cat_2"]);
  const parts = [...cat, ...cat];
  const [padX] = tensors(inputs, ["x"]);
  const result = measure({
    dx1: [kernelBatch(() => tf.conv2dTranspose(dy1, w1, x1.shape, 1, "same")), 1],
    dw1: [kernelBatch(() => backpropFilter(x1, dy1, w1.shape)), 1],
    dx2: [kernelBatch(() => tf.conv2dTranspose(dy2, w2, x2.shape, 1, "same")), 1],
    dw2: [kernelBatch(() => backpropFilter(x2, dy2, w2.shape)), 1],
    concat0: [kernelBatch(() => tf.concat(parts, 0)), 3],
    concat1: [kernelBatch(() => tf.concat(parts, 1)), 3],
    pad: [kernelBatch(() => tf.pad(padX, [[2, 2], [3, 3]])), 3],
  });
  tf.dispose([x1, w1, x2, w2, dy1, dy2, ...cat, padX]);
  return result;
}

export function transfers(inputs) {
  const [host, rows, cols] = inputs.x;
  const backend = tf.backend();
  // tf.tensor() only keeps the array; uploadToGPU is what TF.js's first kernel on it would do
  // (encode into its packed layout, then drop the CPU copy, so dataSync() really reads the GPU).
  const upload = () => {
    const t = tf.tensor2d(host, [rows, cols]);
    backend.uploadToGPU(t.dataId);
    return t;
  };
  const download = (r) => {
    let seconds = 0;
    for (let done = 0; done < r; done += 16) { // NOTE: at most 16 textures alive at once
      const fresh = Array.from({ length: Math.min(16, r - done) }, upload);
      sync(fresh[fresh.length - 1]); // uploaded before the clock starts: only the copies back are timed
      const start = performance.now();
      for (const t of fresh) t.dataSync();
      seconds += (performance.now() - start) / 1000;
      tf.dispose(fresh);
    }
    return seconds;
  };
  return measure({ upload: [kernelBatch(upload), 3], download: [download, 3] });
}

// --- training: the examples' models, end to end -------------------------------------------------
// The same architectures, optimizer (Adam), loss, batch size and epochs as bench/webflow_bench.py's
// trainers, on the same data (handed over from Python). fit runs one epoch at a time, each timed
// until fit resolves; then evaluate on the test set. Returns { epoch_seconds, metric }.

function trainingModel(name, settings) {
  const dense = (units, activation, more = {}) => tf.layers.dense({ units, activation, ...more });
  if (name === "boston") {
    return tf.sequential({ layers: [dense(64, "relu", { inputShape: [13] }), dense(64, "relu"), dense(1)] });
  }
  if (name === "mnist_mlp") {
    return tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [28, 28] }), dense(128, "relu"),
        tf.layers.dropout({ rate: settings.dropout }), dense(10, "softmax")],
    });
  }
  // mnist_cnn: as SmallCNN in webflow_bench.py.
  const conv = (filters, more = {}) => tf.layers.conv2d({ filters, kernelSize: 3, padding: "same", activation: "relu",
    ...more });
  const pool = () => tf.layers.maxPooling2d({ poolSize: 2, strides: 2 });
  return tf.sequential({
    layers: [conv(8, { inputShape: [28, 28, 1] }), pool(), conv(16), pool(), tf.layers.flatten(), dense(10, "softmax")],
  });
}

// data: { x, y, xTest, yTest }, each [Float32Array, shape].
export async function train(name, data, settings) {
  const model = trainingModel(name, settings);
  const regression = name === "boston";
  model.compile({
    optimizer: tf.train.adam(settings.learningRate),
    loss: regression ? "meanSquaredError" : "sparseCategoricalCrossentropy",
    metrics: [regression ? "mae" : "accuracy"],
  });
  const [x, y, xTest, yTest] = [data.x, data.y, data.xTest, data.yTest].map(([values, shape], i) =>
    tf.tensor(values, i % 2 ? [shape[0], 1] : shape));
  const epochSeconds = [];
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    const start = performance.now();
    await model.fit(x, y, { batchSize: settings.batchSize, epochs: 1, shuffle: true, verbose: 0 });
    epochSeconds.push((performance.now() - start) / 1000);
  }
  // NOTE: accuracy computed here from predict: TF.js's "accuracy" metric does not take the sparse
  // variant for [n, 1] integer labels.
  const metric = regression
    ? tf.tidy(() => model.evaluate(xTest, yTest, { batchSize: 500 })[1])
    : tf.tidy(() => model.predict(xTest, { batchSize: 500 }).argMax(-1)
      .equal(yTest.reshape([-1]).cast("int32")).cast("float32").mean());
  const value = (await metric.data())[0];
  tf.dispose([x, y, xTest, yTest, metric]);
  model.dispose();
  return { epoch_seconds: epochSeconds, metric: value };
}

// --- training steps: trainOnBatch on the two models -------------------------------------
// As bench/webflow_bench.py's StepSession: the MLP 784-128-10 or the CNN (conv 8 5x5, pool, conv 16
// 5x5, pool, dense 10), Adam, sparse categorical cross-entropy; one MNIST batch (x: [Float32Array,
// batch], y: Float32Array). Each step awaits trainOnBatch (its loss read back). stepSession builds
// the model and times its first step (compiles included when it runs first in the page); more(steps)
// times that many more steps (more(steps, false): runs them untimed; site/bench.js interleaves
// them with webflow's); finish() gives the ms of the first step and the median of the others, and
// lets the model go.
export async function stepSession(name, x, y, batch) {
  const layers = name === "mlp"
    ? [tf.layers.flatten({ inputShape: [28, 28] }), tf.layers.dense({ units: 128, activation: "relu" }),
      tf.layers.dense({ units: 10, activation: "softmax" })]
    : [tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }), tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: "softmax" })];
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(0.001), loss: "sparseCategoricalCrossentropy" });
  const xs = tf.tensor(x, name === "mlp" ? [batch, 28, 28] : [batch, 28, 28, 1]);
  const ys = tf.tensor(y, [batch, 1]);
  const start = performance.now();
  const lossFirst = await model.trainOnBatch(xs, ys);
  const firstMs = performance.now() - start;
  const times = [];
  let loss = lossFirst;
  return {
    first_ms: firstMs,
    async more(steps, timed = true) {
      for (let k = 0; k < steps; k++) {
        const t0 = performance.now();
        loss = await model.trainOnBatch(xs, ys);
        if (timed) times.push(performance.now() - t0);
      }
    },
    finish() {
      tf.dispose([xs, ys]);
      model.dispose();
      const sorted = [...times].sort((a, b) => a - b);
      const middle = sorted.length >> 1;
      const ms = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
      return { first_ms: firstMs, ms, step_ms: times, loss_first: lossFirst, loss_last: loss };
    },
  };
}
