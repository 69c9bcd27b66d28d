// runtime.js: the GPU side of webflow. Owns one WebGL2 context and runs
// kernels on integer tensor handles; Python makes one call here per op.
//
//   const rt = await createRuntime();           // or createRuntime({canvas})
//   const a = rt.upload(new Float32Array([1, 2, 3]), 3);
//   const b = rt.elementwise("op_exp(x0)", 3, 1, a, 0);   // n, inputs, (id, mode)
//   rt.read(b, out); rt.free(a); rt.free(b);
//
// Modules: programs.js (compile + cache), textures.js (pool, upload,
// readback); this file: context, capabilities, dispatch, stats.

import { Programs, loadSources } from "./programs.js";
import { Textures } from "./textures.js";

const KERNELS = ["prelude", "ops", "blocked", "small_product", "elementwise", "reduce", "matmul", "pack", "matmul_packed", "unpack", "softmax",
  "cumsum", "concat", "concat_segments", "concat_vertex", "pad", "gather", "unsorted_segment_sum", "scatter_add", "scatter_add_vertex", "conv2d", "pool"];
const MAX_RANK = 6;
const REDUCE_CHUNK = 128; // values per fragment in a pass (a batch of 128 per-example losses: one pass)
const REDUCE_TWO_LEVEL = 2048; // rows of up to this many values are one pass of two levels (reduce.glsl's TWO_LEVEL)
const REDUCE_COLUMN_CHUNK = 256; // rows per fragment for columns (inner > 1: fewer values in flight)
const REDUCE_DEFINES = { sum: "REDUCE_SUM", prod: "REDUCE_PROD", max: "REDUCE_MAX", argmax: "ARGMAX" };
const CONCAT_INPUTS = 8; // samplers per concat pass (concat.glsl)
// Output rows of at least this many values are copied by segments, a draw per input (concatSegments)
// where their rows are whole texels. NOTE: SwiftShader sets up a triangle in about 5 us, and a pass
// over the whole output spends about 1 ns per value per input choosing among the inputs, so
// segments (6 triangles each) pay from rows of about 30,000 values: 6 x [200, 1000] along axis 0
// 9.4 -> 2.6-2.8 ms; along axis 1 (rows of 6000) they took 38 ms against the pass's 10-10.5.
const CONCAT_SEGMENT_ROW = 1 << 15;
const PACKED_MATMUL_MIN_WORK = 32 * 32 * 32; // M * N * K
// matmul_packed's k groups a loop turn (UNROLL, see there) from these K on, in products of at least
// UNROLL_MIN_WORK multiply-adds: fewer turns, slower compiles (32x64 @ 64x64: no faster; 128^3:
// 1.06-1.16 -> 0.99-1.07 ms; 256^3: 7.7-8.2 -> 7.1-7.5).
const UNROLL_2_MIN_K = 64;
const UNROLL_4_MIN_K = 512;
const UNROLL_MIN_WORK = 1 << 20;
const MRT_CACHE = 64; // framebuffers kept for sets of render targets (multipleTargets)
const COPY_BUFFERS = 8; // pixel buffers of one size kept for reuse (copyOut)
// conv2d.glsl's variants: the define, and which of x, y, w the two inputs are.
const CONV_VARIANTS = {
  conv2d: { define: "CONV", names: ["x", "w"] },
  conv2d_transpose: { define: "TRANSPOSE", names: ["y", "w"] },
  conv2d_backprop_filter: { define: "FILTER", names: ["x", "y"] },
};
const SOFTMAX_CHUNK = 256; // values of a row per fragment in softmax's first statistics pass
const SOFTMAX_MERGE_CHUNK = 64; // partial statistics per fragment in later passes

let announcedFloat16 = false;

// The fraction of a convolution's (output row, window row) pairs outside the image's rows (its
// padding). ints: conv2d's (xShape, yShape, kernel, strides, dilations, pads).
function outsideRows(ints) {
  const [height, rows, kh, stride, dilation, top] = [ints[1], ints[5], ints[8], ints[10], ints[12], ints[14]];
  let outside = 0;
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < kh; a++) {
      const h = i * stride - top + a * dilation;
      if (h < 0 || h >= height) outside += 1;
    }
  }
  return rows * kh > 0 ? outside / (rows * kh) : 0;
}

// Whether small_product.glsl's rowProductTexel computes a product (one matrix): N % 4 == 0 and B
// as stored (a transposed B with K = 1 holds the same values).
function rowProduct(N, K, transposeB) {
  return N % 4 === 0 && (transposeB === 0 || K === 1);
}

// Defines and uniforms for reading a product's blocks (blocked.glsl): by shifts where it can.
function blocksDefines(product) {
  const { blocks, N, batches } = product;
  return batches === 1 && (N & (N - 1)) === 0 ? { ROWS: blocks.layers, BLOCKS_SHIFT: 1 } : { ROWS: blocks.layers };
}

function setBlocks(set, product) {
  set("u_M", product.M);
  set("u_cols", product.N);
  set("u_colsShift", Math.log2(product.N));
}

// matmul_packed's #defines: its block height, how it reads operands in place (A_FLAT, A_FLAT_T,
// B_FLAT, B_FLAT_T; null: a packed copy), K % 4 and (B_FLAT) N % 4 where not 0, and UNROLL by K.
function matmulDefines(ROWS, aFlat, bFlat, K = 0, N = 0, M = 0) {
  const defines = { ROWS, ...(aFlat ? { [aFlat]: 1 } : {}), ...(bFlat ? { [bFlat]: 1 } : {}) };
  const unroll = M * N * K >= UNROLL_MIN_WORK;
  if (unroll && K >= UNROLL_4_MIN_K) defines.UNROLL = 4;
  else if (unroll && K >= UNROLL_2_MIN_K) defines.UNROLL = 2;
  if (K % 4) defines.K_MOD = K % 4;
  if (bFlat === "B_FLAT" && N % 4) defines.N_MOD = N % 4;
  return defines;
}

// options: canvas (default: an OffscreenCanvas); precision: "float16" forces the
// half-float path (tests use it; it is chosen by itself where float32 cannot be rendered).
export async function createRuntime(options = {}) {
  const sources = await loadSources(KERNELS);
  const canvas = options.canvas ||
    (typeof OffscreenCanvas !== "undefined" ? new OffscreenCanvas(1, 1) : document.createElement("canvas"));
  const gl = canvas.getContext("webgl2", {
    alpha: false, antialias: false, depth: false, stencil: false,
    preserveDrawingBuffer: false, powerPreference: "high-performance",
  });
  if (!gl) throw new Error("webflow: WebGL2 is not available in this browser");
  return new Runtime(gl, canvas, sources, options);
}

export class Runtime {
  constructor(gl, canvas, sources, options = {}) {
    this.gl = gl;
    this.canvas = canvas;
    this.debug = false; // true: check gl.getError() after every call
    this.lost = false;
    canvas.addEventListener("webglcontextlost", (event) => { event.preventDefault(); this.lost = true; });

    const debugInfo = gl.getExtension("WEBGL_debug_renderer_info");
    // NOTE: EXT_color_buffer_float makes RGBA16F renderable too, so it serves both precisions.
    const float32 = gl.getExtension("EXT_color_buffer_float") !== null;
    const float16 = float32 || gl.getExtension("EXT_color_buffer_half_float") !== null;
    this.caps = {
      precision: float32 && options.precision !== "float16" ? "float32" : "float16",
      parallelCompile: gl.getExtension("KHR_parallel_shader_compile") !== null,
      floatBlend: gl.getExtension("EXT_float_blend") !== null, // additive scatters (unsortedSegmentSum)
      maxTextureSize: gl.getParameter(gl.MAX_TEXTURE_SIZE),
      // matmul_packed's block height: 8 rows into 8 render targets where the GPU has them.
      matmulRows: Math.min(gl.getParameter(gl.MAX_DRAW_BUFFERS), gl.getParameter(gl.MAX_COLOR_ATTACHMENTS)) >= 8 ? 8 : 4,
      renderer: gl.getParameter(debugInfo ? debugInfo.UNMASKED_RENDERER_WEBGL : gl.RENDERER),
      vendor: gl.getParameter(debugInfo ? debugInfo.UNMASKED_VENDOR_WEBGL : gl.VENDOR),
    };
    if (!float16) {
      // NOTE: without float render targets results would be silently wrong; refuse instead.
      throw new Error("webflow: this GPU cannot render to float textures (EXT_color_buffer_float or " +
        "EXT_color_buffer_half_float); use the NumPy backend: tf.config.set_backend('numpy')");
    }
    if (this.caps.precision === "float16" && !announcedFloat16) {
      announcedFloat16 = true;
      console.warn("webflow: this GPU cannot render to float32 textures; tensors are held as float16 " +
        "(about 3 significant digits, |x| <= 65504, integers exact to 2048)");
    }
    this.textures = new Textures(gl, this.caps.maxTextureSize, this.caps.precision);
    this.programs = new Programs(gl, sources);
    this.handles = new Map(); // id -> texture record
    this.values = new Map(); // id -> a one-value input of a plan's run, not uploaded (see runPlan)
    this.nextId = 1;
    this.counts = { draws: 0, uploads: 0, reads: 0, copies: 0 };
    this.program = null; // GL state last sent, to skip redundant calls
    this.viewport = null;
    this.bound = [];
    this.mrtFramebuffers = new Map(); // targets' serials -> framebuffer, see multipleTargets
    this.plans = []; // graph-mode plans (createPlan)
    this.copies = new Map(); // id -> a plan result that may be copied out (see copyOut): { plan, slot, buffer, bytes, read }
    this.copyBuffers = new Map(); // bytes -> pixel buffers free for reuse
    this.stagingArray = null; // see setStaging
    this.stagingView = null;
  }

  checkLost() {
    if (this.lost || this.gl.isContextLost()) {
      this.lost = true;
      throw new Error("webflow: the WebGL context was lost (GPU reset or too many contexts); " +
        "tensors on the GPU are gone. Reload the page to start again.");
    }
  }

  checkErrors(what) {
    if (!this.debug) return;
    const error = this.gl.getError();
    if (error !== this.gl.NO_ERROR) throw new Error(`webflow: GL error 0x${error.toString(16)} in ${what}`);
  }

  record(id) {
    const record = this.handles.get(id);
    if (record !== undefined) return record;
    if (this.values.has(id)) { // a run's one value, wanted as a texture after all: uploaded now
      const made = this.textures.acquire(1);
      this.textures.upload(made, new Float32Array([this.values.get(id)]));
      this.counts.uploads += 1;
      this.values.delete(id);
      this.handles.set(id, made);
      return made;
    }
    throw new Error(`webflow: unknown or freed tensor handle ${id}`);
  }

  adopt(record) {
    const id = this.nextId++;
    this.handles.set(id, record);
    return id;
  }

  // --- memory ----------------------------------------------------------------------------

  upload(data, n) {
    this.checkLost();
    const record = this.textures.acquire(n);
    if (n > 0) this.textures.upload(record, data);
    this.counts.uploads += 1;
    this.checkErrors("upload");
    return this.adopt(record);
  }

  // From Pyodide: upload a NumPy float32 array without copying it (a view of the WASM heap).
  uploadFrom(array, n) {
    const view = array.getBuffer("f32");
    try {
      return this.upload(view.data, n);
    } finally {
      view.release();
    }
  }

  // From Pyodide: `array`, a NumPy float32 array (a proxy Python keeps: create_proxy), becomes the
  // staging buffer that uploadStaged, readStaged and runPlan use, so that most transfers pass only
  // numbers. NOTE: handing a call an array (its proxy, then getBuffer) cost 17-35 us, more than
  // runtime.js's own work for a small upload (3-6 us).
  setStaging(array) {
    if (this.stagingView) this.stagingView.release();
    this.stagingArray = array;
    this.stagingView = array.getBuffer("f32");
  }

  // The staging buffer's values. Growing the WASM memory detaches views of the old one: get it again.
  staged() {
    if (this.stagingView.data.byteLength === 0) {
      this.stagingView.release();
      this.stagingView = this.stagingArray.getBuffer("f32");
    }
    return this.stagingView.data;
  }

  uploadStaged(n) {
    return this.upload(this.staged(), n);
  }

  readStaged(id) {
    this.read(id, this.staged());
  }

  // From Pyodide: read into a NumPy float32 array in place.
  readInto(id, array) {
    const view = array.getBuffer("f32");
    try {
      this.read(id, view.data);
    } finally {
      view.release();
    }
  }

  read(id, out) {
    this.checkLost();
    const record = this.record(id);
    const copy = this.copies.get(id);
    if (copy !== undefined) {
      copy.read = true;
      copy.plan.copying[copy.slot] = true;
    }
    if (copy !== undefined && copy.buffer && record.n > 0) {
      // NOTE: waits only for the commands before the copy (see copyOut), not for those after it.
      this.textures.readBuffer(copy.buffer, out, record.n);
    } else if (record.n > 0) {
      this.textures.read(record, out);
    }
    this.counts.reads += 1;
    this.checkErrors("read");
    this.checkLost();
    return out;
  }

  async readAsync(id) {
    this.checkLost();
    const values = await this.textures.readAsync(this.record(id), () => this.checkLost());
    this.counts.reads += 1;
    return values;
  }

  fill(n, value) {
    this.checkLost();
    const gl = this.gl;
    const record = this.textures.acquire(n);
    gl.bindFramebuffer(gl.FRAMEBUFFER, record.framebuffer);
    gl.clearBufferfv(gl.COLOR, 0, [value, value, value, value]);
    this.counts.draws += 1;
    this.checkErrors("fill");
    return this.adopt(record);
  }

  free(id) {
    const record = this.handles.get(id);
    this.values.delete(id);
    if (record === undefined) return;
    this.handles.delete(id);
    this.textures.release(record);
    const copy = this.copies.get(id);
    if (copy !== undefined) {
      this.copies.delete(id);
      if (!copy.read) copy.plan.copying[copy.slot] = false;
      if (copy.buffer) {
        const free = this.copyBuffers.get(copy.bytes) || [];
        if (free.length < COPY_BUFFERS) free.push(copy.buffer);
        else this.gl.deleteBuffer(copy.buffer);
        this.copyBuffers.set(copy.bytes, free);
      }
    }
  }

  // A small result that the caller may read right away (one of createPlan's `copied`: a training
  // step's loss), just made in slot `slot` by a run of `plan`. If the caller read this slot's last result
  // (or has not let one go unread yet), its values are copied into a pixel buffer now, in command
  // order, so that reading them (read) waits for the commands issued up to here only: the GPU
  // goes on with the rest of the step (the gradients, the optimizer) while Python reads the loss
  // and gets the next step ready, as TF reads a value once its own kernel is done. Results let go
  // of unread (fit keeps a step's loss on the GPU) are not copied from then on, until one is read.
  // Returns whether it copied.
  copyOut(id, plan, slot) {
    const copy = { plan, slot, buffer: null, bytes: 0, read: false };
    this.copies.set(id, copy);
    if (!plan.copying[slot]) return false;
    const record = this.record(id);
    copy.bytes = this.textures.copyBytes(record);
    copy.buffer = this.textures.copyToBuffer(record, (this.copyBuffers.get(copy.bytes) || []).pop() || null);
    this.counts.copies += 1;
    return true;
  }

  // Send the commands issued so far to the GPU now. NOTE: ANGLE defers a flush while a render pass
  // is open (the last draw's) until something ends it; a fence ends it. Without this, a run's
  // commands after its last copy waited for the next run's first flush: reading the copy returned
  // early, but the GPU then sat idle while Python read it and got the next run ready.
  submit() {
    const gl = this.gl;
    gl.deleteSync(gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0));
    gl.flush();
  }

  // Free the n handles in the staging buffer (as int32): the handles a tf.function call lets go
  // of (its uploaded arguments, the variables' old values) in one call instead of one each.
  freeStaged(n) {
    const staged = this.staged();
    const ids = new Int32Array(staged.buffer, staged.byteOffset, n);
    for (let i = 0; i < n; i++) this.free(ids[i]);
  }

  stats() {
    return {
      liveTensors: this.handles.size,
      liveTextures: this.textures.live,
      liveBytes: this.textures.liveBytes,
      texturesAllocated: this.textures.allocated,
      programsCompiled: this.programs.compiled,
      compileMs: this.programs.compileMs,
      draws: this.counts.draws,
      uploads: this.counts.uploads,
      reads: this.counts.reads,
      copies: this.counts.copies, // results copied out by plans (copyOut)
      copyWatched: this.copies.size, // plan results that may be copied out, not freed yet
      renderer: this.caps.renderer,
      vendor: this.caps.vendor,
      precision: this.caps.precision,
      maxTextureSize: this.caps.maxTextureSize,
    };
  }

  // --- dispatch -------------------------------------------------------------------------

  // Draw `program` into the texture record `out`. `setInputs(set, bind)` gives the
  // kernel's uniforms with set(name, int | int array) and its textures with bind(unit, name, record).
  // `points` > 0 draws that many points (a scatter kernel's vertex shader places them) instead
  // of one full-screen triangle; `instances` > 0, that many instances of two triangles (concat's
  // segments: its vertex shader places them).
  // NOTE: each GL call costs time in the GPU process (a tiny op is mostly calls), so
  // program, viewport, texture bindings and uniform values are only sent when they change.
  draw(program, out, setInputs, points = 0, instances = 0) {
    this.checkLost();
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, out.framebuffer);
    if (this.viewport !== out.key) {
      gl.viewport(0, 0, out.width, out.height);
      this.viewport = out.key;
    }
    if (this.program !== program) {
      gl.useProgram(program.program);
      this.program = program;
    }
    const set = (name, value) => this.setUniform(program, name, value);
    set("u_size", out.n);
    set("u_outWidth", out.width);
    setInputs(set, (unit, name, record) => {
      // NOTE: a unit holds a 2D and a 2D-array binding apart (layered blocks: sampler2DArray).
      const at = record.layers ? unit + 16 : unit;
      if (this.bound[at] !== record.texture) {
        gl.activeTexture(gl.TEXTURE0 + unit);
        gl.bindTexture(record.layers ? gl.TEXTURE_2D_ARRAY : gl.TEXTURE_2D, record.texture);
        this.bound[at] = record.texture;
      }
      set(name, unit);
    });
    if (points > 0) gl.drawArrays(gl.POINTS, 0, points);
    else if (instances > 0) gl.drawArraysInstanced(gl.TRIANGLES, 0, 6, instances);
    else gl.drawArrays(gl.TRIANGLES, 0, 3);
    this.counts.draws += 1;
    this.checkErrors(program.kernel);
    return out;
  }

  // An int, int array or (float) a float uniform, sent only when it changes.
  setUniform(program, name, value, float = false) {
    const location = program.uniforms[name];
    if (location === undefined || location === null) return; // optimized away by the compiler
    const key = typeof value === "number" ? value : value.join(",");
    if (Object.is(program.values[name], key)) return;
    program.values[name] = key;
    if (float) this.gl.uniform1f(location, value);
    else if (typeof value === "number") this.gl.uniform1i(location, value);
    else this.gl.uniform1iv(location, value);
  }

  // out = expr(x0, ..., x5), one elementwise pass. Arguments (numbers, passed one by one: from
  // Pyodide that is cheaper than converting a list):
  //   n, k, then per input: id, mode (see elementwise.glsl), then for modes 1 and 7
  //   offset, strides x MAX_RANK; for modes 3-5 the broadcast period,
  //   then, if any input is strided, the output shape x MAX_RANK.
  elementwise(expr, ...p) {
    return this.fused(expr, 1, ...p);
  }

  // Graph fusion's kernels: as elementwise, with three more powers. outputs > 1: `body`, statements
  // setting y[0] .. y[outputs - 1], gives that many results of n values from one pass (one
  // texture each; their handles come back as an array). Input 0 may be a product of two
  // matrices (mode 6; its arguments: idA, 6, idB, M, N, K, transposeA, transposeB), read from
  // matmul_packed's targets where it can be, so the product needs no pass of its own to unpack.
  // Any input may be read through a log_softmax or softmax of its rows (modes 10, 11; then the
  // row length) or as its sums over rows (mode 12 a texel at a time, 14 a value at a time; then
  // the inner values' count and the rows summed), worked out where it is read (elementwise.glsl). A one-value input of a plan's run
  // read as a scalar (mode 2) is read from a uniform instead (mode 13; see runPlan).
  fused(body, outputs, ...p) {
    const n = p[0];
    const k = p[1];
    const defines = outputs > 1 ? { NUM_INPUTS: k, NUM_OUTPUTS: outputs, BODY: body } : { NUM_INPUTS: k, EXPR: body };
    const inputs = [];
    let at = 2;
    let anyStrided = false;
    for (let i = 0; i < k; i++) {
      const input = { record: null, mode: p[at + 1], offset: 0, strides: null, product: null };
      if (input.mode === 6) {
        const [idB, M, N, K, transposeA, transposeB] = p.slice(at + 2, at + 8);
        if (M * N * K < PACKED_MATMUL_MIN_WORK) {
          // A small product this pass computes itself (small_product.glsl): no pass of its own.
          input.mode = rowProduct(N, K, transposeB) ? 8 : 9;
          input.record = this.record(p[at]);
          input.product = { b: this.record(idB), M, N, K, transposeA, transposeB };
        } else {
          const product = this.product([p[at], idB, M, N, K, transposeA, transposeB, M * N, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
          if (product.record) { // a flat result: read it like any other (and free it after)
            input.record = input.made = product.record;
            input.mode = 0;
          } else {
            // NOTE: where N % 4 != 0 (a 10-class layer) a row ends mid-texel: read a value at a time
            // (BLOCKS_VALUES). An unpack pass instead was measured at 0.04-0.07 ms a draw.
            input.product = product;
            Object.assign(defines, blocksDefines(product), N % 4 ? { BLOCKS_VALUES: 1 } : {});
          }
        }
        at += 6;
      } else if (input.mode === 2 && this.values.has(p[at])) {
        input.mode = 13; // a run's one value (runPlan), read from a uniform: no texture, no read
        input.value = this.values.get(p[at]);
      } else {
        input.record = this.record(p[at]);
      }
      defines[`MODE${i}`] = input.mode;
      at += 2;
      if (input.mode === 1 || input.mode === 7) {
        input.offset = p[at];
        input.strides = p.slice(at + 1, at + 1 + MAX_RANK);
        at += 1 + MAX_RANK;
        anyStrided = true;
      } else if ((input.mode >= 3 && input.mode <= 5) || input.mode === 10 || input.mode === 11) {
        input.inner = p[at];
        at += 1;
      } else if (input.mode === 12 || input.mode === 14) {
        input.inner = p[at];
        input.length = p[at + 1];
        at += 2;
      }
      inputs.push(input);
    }
    const outShape = anyStrided ? p.slice(at, at + MAX_RANK) : null;
    // The axes a strided read walks: the output's, less its leading 1s (elementwise.glsl's WALK).
    if (anyStrided) {
      const first = outShape.findIndex((d) => d !== 1);
      defines.STRIDED_RANK = first < 0 ? 0 : MAX_RANK - first;
      if (outShape[MAX_RANK - 1] % 4 === 0) defines.ROW_TEXELS = 1;
    }
    const program = this.programs.get("elementwise", defines);
    const results = Array.from({ length: outputs }, () => this.textures.acquire(n));
    this.draw(program, outputs > 1 ? this.multipleTargets(results) : results[0], (set, bind) => {
      if (anyStrided) set("u_outShape", outShape);
      let unit = 0;
      inputs.forEach((input, i) => {
        if (input.mode === 8 || input.mode === 9) {
          bind(unit++, "u_x0", input.record);
          bind(unit++, "u_b", input.product.b);
          set("u_M", input.product.M);
          set("u_N", input.product.N);
          set("u_K", input.product.K);
          set("u_transposeA", input.product.transposeA);
          set("u_transposeB", input.product.transposeB);
          return;
        }
        if (input.product) {
          bind(unit++, "u_blocks", input.product.blocks);
          setBlocks(set, input.product);
          return;
        }
        if (input.mode === 13) {
          this.setUniform(program, `u_value${i}`, input.value, true);
          return;
        }
        bind(unit++, `u_x${i}`, input.record);
        if (input.mode === 1 || input.mode === 7) {
          set(`u_offset${i}`, input.offset);
          set(`u_strides${i}`, input.strides);
        }
        if (input.inner !== undefined) set(`u_inner${i}`, input.inner);
        if (input.length !== undefined) set(`u_length${i}`, input.length);
      });
    });
    for (const input of inputs) {
      if (input.made) this.textures.release(input.made);
      if (input.product && input.mode === 6) this.textures.release(input.product.blocks);
    }
    return outputs > 1 ? results.map((record) => this.adopt(record)) : this.adopt(results[0]);
  }

  // Reduce an [outer, rowLength, inner] tensor over its middle axis to [outer, inner]: op "sum",
  // "prod", "max" or "argmax" (inner 1: each row to one value).
  // divisor (sums only): the result divided by it in the last pass (a mean: no pass of its own).
  reduce(op, id, outer, rowLength, inner = 1, divisor = 1) {
    const defines = { [REDUCE_DEFINES[op]]: 1 };
    if (inner > 1) defines.COLUMNS = 1;
    const texels = inner % 4 === 0 && op !== "argmax";
    if (texels) defines.COLUMN_TEXELS = 1;
    // NOTE: argmax indices only mean something within one pass: one chunk per row. Columns take
    // longer chunks (a dense layer's bias gradient over a batch: one pass).
    const chunk = op === "argmax" ? Math.max(1, rowLength) : inner > 1 ? REDUCE_COLUMN_CHUNK : REDUCE_CHUNK;
    // NOTE: a row past one chunk but short enough is one pass whose fragments do both levels: a
    // pass costs about 0.07 ms however small, a chunk's reads in one fragment a few us.
    const twoLevel = inner === 1 && op !== "argmax" && rowLength > chunk && rowLength <= REDUCE_TWO_LEVEL;
    if (twoLevel) defines.TWO_LEVEL = 1;
    const program = this.programs.get("reduce", defines);
    let record = this.record(id);
    let length = rowLength;
    let first = true;
    do {
      const groups = twoLevel ? 1 : Math.max(1, Math.ceil(length / chunk));
      const input = record;
      const inputLength = length;
      const out = this.draw(program, this.textures.acquire(outer * groups * inner), (set, bind) => {
        bind(0, "u_x", input);
        set("u_width", input.width);
        set("u_rowLength", inputLength);
        set("u_groups", groups);
        set("u_chunk", chunk);
        set("u_inner", inner);
        set("u_divisor", groups === 1 ? divisor : 1);
      });
      if (!first) this.textures.release(record);
      record = out;
      length = groups;
      first = false;
    } while (length > 1);
    return this.adopt(record);
  }

  // softmax or log_softmax (op) along the last axis of an [outer, length] tensor (softmax.glsl):
  // per-row statistics, then one pass writing every value.
  softmax(op, id, outer, length) {
    const x = this.record(id);
    const out = this.textures.acquire(outer * length);
    if (outer * length === 0) return this.adopt(out);
    const stats = this.rowStats(x, outer, length);
    const defines = { [op === "softmax" ? "SOFTMAX" : "LOG_SOFTMAX"]: 1 };
    if (length < 4) defines.SHORT_ROWS = 1;
    this.draw(this.programs.get("softmax", defines), out, (set, bind) => {
      bind(0, "u_x", x);
      bind(1, "u_stats", stats);
      set("u_statsWidth", stats.width);
      set("u_rowLength", length);
      set("u_rows", outer);
    });
    this.textures.release(stats);
    return this.adopt(out);
  }

  // One texel (max, sum of exp(x - max), 0, 0) per row of an [outer, length] tensor:
  // partial statistics over chunks of each row, merged until one per row is left.
  rowStats(x, outer, length) {
    let input = x;
    let inputLength = length;
    let merge = false;
    do {
      const chunk = merge ? SOFTMAX_MERGE_CHUNK : SOFTMAX_CHUNK;
      const groups = Math.ceil(inputLength / chunk);
      const count = outer * groups;
      // NOTE: a near-square texture, not one long row: SwiftShader shades 2x2 quads.
      const width = Math.ceil(Math.sqrt(count));
      const source = input;
      const sourceLength = inputLength;
      const stats = this.draw(this.programs.get("softmax", merge ? { STATS: 1, MERGE: 1 } : { STATS: 1 }),
        this.textures.acquirePacked(width, Math.ceil(count / width)), (set, bind) => {
          bind(0, "u_x", source);
          set("u_width", source.width);
          set("u_count", count);
          set("u_rowLength", sourceLength);
          set("u_groups", groups);
          set("u_chunk", chunk);
        });
      if (merge) this.textures.release(input);
      input = stats;
      inputLength = groups;
      merge = true;
    } while (inputLength > 1);
    return input;
  }

  // Batched matmul. Arguments: idA, idB, M, N, K, transposeA, transposeB, n,
  //   batchShape x 4, batchStridesA x 4, batchStridesB x 4
  matmul(...ints) {
    const product = this.product(ints);
    return this.adopt(product.record || this.unpack(product, ints[7]));
  }

  // A product (matmul's arguments, as a list): { record }, its flat result, where the one-pass
  // kernel is used; else { blocks, M, N }, matmul_packed's ROWS targets (the layers of `blocks`),
  // for unpack or for an elementwise pass that reads them (fused, mode 6).
  product(ints) {
    const [idA, idB, M, N, K, transposeA, transposeB, n] = ints;
    const batchShape = ints.slice(8, 12);
    const batches = batchShape.reduce((x, y) => x * y, 1);
    const a = this.record(idA);
    const b = this.record(idB);
    const kPadded = 4 * Math.ceil(K / 4);
    const ROWS = this.caps.matmulRows;
    const rowGroups = Math.ceil(M / ROWS);
    const limit = this.caps.maxTextureSize;
    // NOTE: packing costs three extra draws, so tiny products (and shapes whose packed
    // operands would not fit one texture) use the one-pass unpacked kernel.
    const packed = M * N * K >= PACKED_MATMUL_MIN_WORK && K > 0 &&
      batches * Math.max(ROWS * rowGroups, kPadded) <= limit && Math.ceil(Math.max(K, N) / 4) <= limit;
    if (!packed) return { record: this.matmulUnpacked(a, b, ints) };
    // An operand of one matrix is read in place (no pack pass), but for A = X^T where X's rows do
    // not start on texels.
    const one = batches === 1;
    const aFlat = one && (!transposeA || M % 4 === 0) ? (transposeA ? "A_FLAT_T" : "A_FLAT") : null;
    const bFlat = one ? (transposeB ? "B_FLAT_T" : "B_FLAT") : null;
    const packA = aFlat ? a : this.pack(a, M, K, ROWS * rowGroups, transposeA ? 1 : K, transposeA ? M : 1, batchShape, ints.slice(12, 16));
    const packB = bFlat ? b : this.pack(b, K, N, kPadded, transposeB ? 1 : N, transposeB ? K : 1, batchShape, ints.slice(16, 20));
    const blocks = this.textures.acquireLayers(Math.ceil(N / 4), batches * rowGroups, ROWS);
    this.draw(this.programs.get("matmul_packed", matmulDefines(ROWS, aFlat, bFlat, K, N, M)), this.multipleTargets(blocks), (set, bind) => {
      bind(0, "u_a", packA);
      bind(1, "u_b", packB);
      set("u_rowGroups", rowGroups);
      set("u_K", K);
      set("u_kPadded", kPadded);
      set("u_N", N);
      set("u_M", M);
    });
    if (!aFlat) this.textures.release(packA);
    if (!bFlat) this.textures.release(packB);
    return { blocks, M, N, batches };
  }

  // A product's blocks flattened into a new texture of its n values (the blocks are released).
  unpack(product, n) {
    const defines = product.N % 4 ? { ROWS: product.blocks.layers } : { ...blocksDefines(product), COLS_TEXELS: 1 };
    const out = this.draw(this.programs.get("unpack", defines), this.textures.acquire(n), (set, bind) => {
      bind(0, "u_blocks", product.blocks);
      setBlocks(set, product);
    });
    this.textures.release(product.blocks);
    return out;
  }

  // Gets ready the kernels nearly every model runs (dense layers and their gradients, softmax,
  // sums) while the page boots Python, not in the first training step: compiling starts now; then,
  // one per task so the page's own work goes on, each is finished and drawn once into a 1x1
  // target (SwiftShader builds a program's pipeline at its first draw).
  warmUp() {
    const rows = { ROWS: this.caps.matmulRows };
    // Most used first (a dense layer's product and gradients, then those of a 10-class output
    // layer: K or N % 4 = 2): a program not ready yet when Python first needs it is finished then.
    // The first two unrolled (matmulDefines): an MNIST MLP's 784-wide layer, its weight gradient.
    const products = [["A_FLAT", "B_FLAT", 784, 128, 128], ["A_FLAT_T", "B_FLAT", 128, 128, 784], ["A_FLAT", "B_FLAT"],
      ["A_FLAT_T", "B_FLAT"], ["A_FLAT", "B_FLAT_T"], ["A_FLAT", "B_FLAT", 128, 10],
      ["A_FLAT", "B_FLAT_T", 10, 128], ["A_FLAT_T", "B_FLAT", 128, 10], [null, "B_FLAT"], [null, "B_FLAT_T"],
      ["A_FLAT_T", "B_FLAT_T"], [null, null]]
      .map(([a, b, K, N, M]) => ["matmul_packed", matmulDefines(rows.ROWS, a, b, K, N, M)]);
    const kernels = [products[0], ["unpack", { ...rows, BLOCKS_SHIFT: 1, COLS_TEXELS: 1 }], ["unpack", rows],
      ["reduce", { REDUCE_SUM: 1, COLUMNS: 1, COLUMN_TEXELS: 1 }], ["reduce", { REDUCE_SUM: 1, COLUMNS: 1 }],
      ["softmax", { STATS: 1 }], ["softmax", { LOG_SOFTMAX: 1 }], ["softmax", { SOFTMAX: 1 }], ["reduce", { REDUCE_SUM: 1 }],
      ...products.slice(1, 8), ["pack", {}],
      ["matmul", { ROW_TEXELS: 1 }], ["matmul", {}], ...products.slice(8),
      // A training step's small passes: integer labels, the loss's sign and mean (defines in the
      // order fused() writes them, so the keys match).
      ["elementwise", { NUM_INPUTS: 1, EXPR: "op_cast_int32(x0)", MODE0: 0 }],
      ["elementwise", { NUM_INPUTS: 1, EXPR: "op_negative(x0)", MODE0: 0 }],
      ["elementwise", { NUM_INPUTS: 2, EXPR: "op_divide(x0, x1)", MODE0: 0, MODE1: 0 }]];
    this.programs.warm(kernels);
    const next = (k) => {
      if (k === kernels.length || this.lost || this.gl.isContextLost()) return;
      this.warmDraw(...kernels[k]);
      setTimeout(() => next(k + 1), 0);
    };
    setTimeout(() => next(0), 0);
  }

  warmDraw(kernel, defines) {
    const program = this.programs.get(kernel, defines);
    const input = this.textures.acquire(4);
    const layers = this.textures.acquireLayers(1, 1, defines.ROWS || 4);
    const target = kernel === "matmul_packed" ? layers : this.textures.acquire(4);
    this.draw(program, target === layers ? this.multipleTargets(layers) : target, (set, bind) => {
      program.samplers.forEach((name, unit) => bind(unit, name, input));
      program.layeredSamplers.forEach((name, k) => bind(program.samplers.length + k, name, layers));
    });
    for (const record of new Set([input, layers, target])) this.textures.release(record);
  }

  // A draw target writing to several textures of one size at once (location k -> targets[k]), or
  // to the layers of one layered texture (location k -> layer k).
  // NOTE: each set of targets keeps its own framebuffer (textures are pooled, so a step's sets
  // recur every step): re-pointing one framebuffer cost a GL call per attachment and made the GPU
  // process check the framebuffer again on every draw. The oldest is let go past MRT_CACHE sets.
  multipleTargets(targets) {
    const gl = this.gl;
    const key = targets.layers ? `L${targets.serial}` : targets.map((t) => t.serial).join(",");
    let framebuffer = this.mrtFramebuffers.get(key);
    if (framebuffer === undefined) {
      if (this.mrtFramebuffers.size >= MRT_CACHE) {
        const [oldest, unused] = this.mrtFramebuffers.entries().next().value;
        gl.deleteFramebuffer(unused);
        this.mrtFramebuffers.delete(oldest);
      }
      framebuffer = gl.createFramebuffer();
      gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
      const count = targets.layers || targets.length;
      const attachments = [];
      for (let k = 0; k < count; k++) {
        if (targets.layers) gl.framebufferTextureLayer(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + k, targets.texture, 0, k);
        else gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + k, gl.TEXTURE_2D, targets[k].texture, 0);
        attachments.push(gl.COLOR_ATTACHMENT0 + k);
      }
      gl.drawBuffers(attachments);
      this.mrtFramebuffers.set(key, framebuffer);
    }
    const { width, height, key: size, n } = targets.layers ? targets : targets[0];
    return { framebuffer, width, height, key: size, n };
  }

  // Rows x cols matrices of a flat tensor -> RGBA texture, 4 columns per texel (pack.glsl).
  pack(record, rows, cols, rowsPadded, strideRow, strideCol, batchShape, batchStrides) {
    const batches = batchShape.reduce((x, y) => x * y, 1);
    const contiguous = strideCol === 1 && cols % 4 === 0 && strideRow % 4 === 0 && batchStrides.every((s) => s % 4 === 0);
    const defines = { ...(contiguous ? { CONTIGUOUS: 1 } : {}), ...(batches > 1 ? { BATCHED: 1 } : {}) };
    return this.draw(this.programs.get("pack", defines),
      this.textures.acquirePacked(Math.ceil(cols / 4), batches * rowsPadded), (set, bind) => {
        bind(0, "u_x", record);
        set("u_width", record.width);
        set("u_rows", rows);
        set("u_cols", cols);
        set("u_rowsPadded", rowsPadded);
        set("u_strideRow", strideRow);
        set("u_strideCol", strideCol);
        set("u_batchShape", batchShape);
        set("u_batchStrides", batchStrides);
      });
  }

  matmulUnpacked(a, b, ints) {
    const batched = ints.slice(8, 12).some((d) => d !== 1);
    const rowTexels = !batched && rowProduct(ints[3], ints[4], ints[6]);
    const defines = batched ? { BATCHED: 1 } : rowTexels ? { ROW_TEXELS: 1 } : {};
    return this.draw(this.programs.get("matmul", defines), this.textures.acquire(ints[7]), (set, bind) => {
      bind(0, "u_a", a);
      bind(1, "u_b", b);
      set("u_widthA", a.width);
      set("u_widthB", b.width);
      set("u_M", ints[2]);
      set("u_N", ints[3]);
      set("u_K", ints[4]);
      set("u_transposeA", ints[5]);
      set("u_transposeB", ints[6]);
      set("u_batchShape", ints.slice(8, 12));
      set("u_batchStridesA", ints.slice(12, 16));
      set("u_batchStridesB", ints.slice(16, 20));
    });
  }

  // Running sum along an axis of an n-value tensor viewed as [outer, rowLength, inner]:
  // a log-step scan (cumsum.glsl), one pass per power of two below rowLength,
  // after a shift pass when exclusive.
  cumsum(id, n, rowLength, inner, exclusive, reverse) {
    const program = this.programs.get("cumsum", reverse ? { REVERSE: 1 } : {});
    let record = this.record(id);
    let owned = false;
    const pass = (step, shift) => {
      const input = record;
      record = this.draw(program, this.textures.acquire(n), (set, bind) => {
        bind(0, "u_x", input);
        set("u_width", input.width);
        set("u_rowLength", rowLength);
        set("u_inner", inner);
        set("u_step", step);
        set("u_shift", shift);
      });
      if (owned) this.textures.release(input);
      owned = true;
    };
    if (exclusive) pass(1, 1);
    for (let step = 1; step < rowLength; step *= 2) pass(step, 0);
    if (!owned) pass(rowLength, 0); // a row of one value: a copy, so the result owns its texture
    return this.adopt(record);
  }

  // --- movement and indexing --------------------------------------------------------

  // Join inputs along an axis. Arguments: n (output values), then per input:
  // id, inner (its row length; see concat.glsl). More than eight inputs take
  // several passes, each folding the previous pass's output into the next few.
  concat(n, ...pairs) {
    let inputs = [];
    for (let at = 0; at < pairs.length; at += 2) inputs.push({ record: this.record(pairs[at]), inner: pairs[at + 1] });
    const rows = (inputs) => inputs.reduce((sum, x) => sum + x.inner, 0);
    const total = rows(inputs); // the output's row length
    const outer = total > 0 ? n / total : 0;
    if (n > 0 && total >= CONCAT_SEGMENT_ROW && inputs.every((x) => x.inner % 4 === 0)) {
      return this.concatSegments(n, outer, total, inputs);
    }
    let previous = null;
    while (true) {
      const group = inputs.slice(0, CONCAT_INPUTS);
      inputs = inputs.slice(CONCAT_INPUTS);
      const rowLength = rows(group);
      const defines = { NUM_INPUTS: group.length };
      if (group.every((x) => x.inner % 4 === 0)) defines.WHOLE_TEXELS = 1; // see concat.glsl
      const out = this.draw(this.programs.get("concat", defines),
        this.textures.acquire(inputs.length ? outer * rowLength : n), (set, bind) => {
          set("u_rowLength", rowLength);
          set("u_inner", group.map((x) => x.inner));
          group.forEach((x, k) => bind(k, `u_x${k}`, x.record));
        });
      if (previous !== null) this.textures.release(previous);
      if (!inputs.length) return this.adopt(out);
      previous = out;
      inputs.unshift({ record: out, inner: rowLength });
    }
  }

  // concat of inputs whose rows are whole texels (inner % 4 == 0): one draw per input into the same
  // target, shading only the texels it fills (concat_vertex.glsl), so no pass reads every input.
  concatSegments(n, outer, rowLength, inputs) {
    const out = this.textures.acquire(n);
    const program = this.programs.get("concat_segments", {}, "concat_vertex");
    const rowTexels = rowLength >> 2;
    let start = 0;
    for (const { record, inner } of inputs) {
      if (inner > 0) {
        this.draw(program, out, (set, bind) => {
          bind(0, "u_x", record);
          set("u_rowTexels", rowTexels);
          set("u_start", start);
          set("u_texels", inner >> 2);
          set("u_outShift", Math.log2(out.width));
          set("u_outHeight", out.height);
        }, 0, 3 * outer);
      }
      start += inner >> 2;
    }
    return this.adopt(out);
  }

  // x padded with a constant (pad.glsl). Arguments: idX, idValue (a one-value tensor),
  // n (output values), outShape x MAX_RANK, inShape x MAX_RANK, before x MAX_RANK, rank.
  pad(idX, idValue, n, ...ints) {
    const [x, value] = [this.record(idX), this.record(idValue)];
    return this.adopt(this.draw(this.programs.get("pad", { RANK: ints[3 * MAX_RANK] }), this.textures.acquire(n), (set, bind) => {
      bind(0, "u_x", x);
      bind(1, "u_value", value);
      set("u_outShape", ints.slice(0, MAX_RANK));
      set("u_inShape", ints.slice(MAX_RANK, 2 * MAX_RANK));
      set("u_before", ints.slice(2 * MAX_RANK, 3 * MAX_RANK));
    }));
  }

  // out[b, o, n, j] = params[b, o, indices[b, n], j] (see gather.glsl).
  gather(idParams, idIndices, n, outer, axis, count, inner) {
    const params = this.record(idParams);
    const indices = this.record(idIndices);
    return this.adopt(this.draw(this.programs.get("gather", {}), this.textures.acquire(n), (set, bind) => {
      bind(0, "u_params", params);
      bind(1, "u_indices", indices);
      set("u_paramsWidth", params.width);
      set("u_indicesWidth", indices.width);
      set("u_outer", outer);
      set("u_axis", axis);
      set("u_count", count);
      set("u_inner", inner);
    }));
  }

  // out[s, j] = sum of data[n, j] over n with ids[n] == s. Arguments: data id,
  // ids id, segments, count (ids), inner (values per id).
  // NOTE: with float blending, one point per data value is added onto its output
  // value (scatter_add*.glsl): 1,000 ids of 64 values into a 10,000-row table cost
  // one small draw. Without it, each output value loops over all ids
  // (unsorted_segment_sum.glsl), O(segments * inner * count): 27 s for that case.
  unsortedSegmentSum(idData, idIds, segments, count, inner) {
    const data = this.record(idData);
    const ids = this.record(idIds);
    const out = this.textures.acquire(segments * inner);
    const setInputs = (set, bind) => {
      bind(0, "u_data", data);
      bind(1, "u_ids", ids);
      set("u_dataWidth", data.width);
      set("u_idsWidth", ids.width);
      set("u_count", count);
      set("u_inner", inner);
      set("u_outHeight", out.height);
    };
    if (!this.caps.floatBlend) {
      return this.adopt(this.draw(this.programs.get("unsorted_segment_sum", {}), out, setInputs));
    }
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, out.framebuffer);
    gl.clearBufferfv(gl.COLOR, 0, [0, 0, 0, 0]);
    if (count * inner > 0) {
      const whole = inner % 4 === 0; // one point per texel: a quarter of the points
      gl.enable(gl.BLEND);
      gl.blendFunc(gl.ONE, gl.ONE);
      this.draw(this.programs.get("scatter_add", whole ? { WHOLE_TEXELS: 1 } : {}, "scatter_add_vertex"),
        out, setInputs, whole ? count * inner / 4 : count * inner);
      gl.disable(gl.BLEND);
    }
    return this.adopt(out);
  }

  // --- convolution and pooling (conv2d.glsl, pool.glsl) ------------------------------------
  // Shapes: xShape, yShape (NHWC, 4 each: the image and the conv/pool output), kernel,
  // strides, dilations, pads (top, left): 2 each; then groups.

  // Variant "conv2d" (inputs x, w; writes y), "conv2d_transpose" (dy, w; writes dx) or
  // "conv2d_backprop_filter" (x, dy; writes dw). Arguments: variant, idA, idB, n (output
  // size), xShape x 4, yShape x 4, kernel x 2, strides x 2, dilations x 2, pads x 2, groups.
  conv2d(variant, idA, idB, n, ...ints) {
    const [cin, cout, groups] = [ints[3], ints[7], ints[16]];
    const { define, names } = CONV_VARIANTS[variant];
    const inputs = [this.record(idA), this.record(idB)];
    const setInputs = (set, bind) => {
      inputs.forEach((record, unit) => {
        bind(unit, `u_${names[unit]}`, record);
        set(`u_${names[unit]}Width`, record.width);
      });
      this.setWindow(set, ints);
      set("u_groups", groups);
    };
    if (define === "CONV" && groups === 1 && cout % 4 === 0 && n > 0) {
      return this.adopt(this.convBlocks(n, cin, cout, ints, setInputs));
    }
    const defines = { [define]: 1 };
    // NOTE: four channels per fragment and per texel read need whole texels of channels.
    if (groups === 1 && cout % 4 === 0 && (define !== "TRANSPOSE" || cin % 4 === 0)) defines.VEC4 = 1;
    if (define === "CONV" && defines.VEC4 && cin % 4 === 0) defines.X_VEC4 = 1;
    if (define !== "FILTER" && groups > 1 && groups === cin && groups === cout && cout % 4 === 0) defines.DEPTHWISE = 1;
    return this.adopt(this.draw(this.programs.get("conv2d", defines), this.textures.acquire(n), setInputs));
  }

  // conv2d.glsl's BLOCK path: 4 pixels x 4 channels per fragment into four targets,
  // then unpack.glsl (FLAT) gathers them into the n-value output.
  convBlocks(n, cin, cout, ints, setInputs) {
    const [rows, width] = [ints[4] * ints[5], ints[6]]; // output rows N * OH, row length OW
    const xRow = cin === 1 && ints[11] === 1 && ints[13] === 1 && ints[9] <= 8; // conv2d.glsl's X_ROW
    const flat = width % 4 !== 0 && !xRow; // conv2d.glsl's FLAT_BLOCKS: blocks of 4 pixels in flat order
    const texels = (flat ? Math.ceil((rows * width) / 4) : rows * Math.ceil(width / 4)) * (cout / 4);
    // NOTE: near-square targets (see conv2d.glsl's BLOCK): few fragments still use both cores.
    const side = Math.min(this.textures.rowLimit, Math.ceil(Math.sqrt(texels)));
    const blocks = this.textures.acquireLayers(side, Math.ceil(texels / side), 4);
    const defines = { CONV: 1, BLOCK: 1 };
    if (outsideRows(ints) >= 0.1) defines.ROWS_OUTSIDE = 1;
    if (cin % 4 === 0) Object.assign(defines, { X_VEC4: 1, ...(cin <= 8 ? { CIN4: cin / 4 } : {}) }); // conv2d.glsl's CIN4
    else if (xRow) Object.assign(defines, { X_ROW: 1, KW: ints[9] });
    if (flat) defines.FLAT_BLOCKS = 1;
    this.draw(this.programs.get("conv2d", defines), this.multipleTargets(blocks), setInputs);
    const out = this.draw(this.programs.get("unpack", { CONV_BLOCKS: 1 }), this.textures.acquire(n), (set, bind) => {
      bind(0, "u_blocks", blocks);
      set("u_M", n / cout);
      set("u_cols", cout);
      set("u_rowPixels", flat ? 4 : width); // flat blocks: as rows of 4 pixels
      set("u_targetWidth", side);
    });
    this.textures.release(blocks);
    return out;
  }

  // Max pooling ("max_pool2d": x -> y) or its gradient ("max_pool2d_grad": x, dy -> dx).
  // Arguments: variant, idX, idDy (0 for max_pool2d), n, xShape x 4, yShape x 4, kernel x 2,
  // strides x 2, dilations x 2 (1s), pads x 2.
  pool(variant, idX, idDy, n, ...ints) {
    const grad = variant === "max_pool2d_grad";
    const defines = { [grad ? "MAX_POOL_GRAD" : "MAX_POOL"]: 1, ...(ints[3] % 4 === 0 ? { VEC4: 1 } : {}) };
    // Windows that tile the image (window = strides, no padding, all inside): pool.glsl's TILED.
    const [kh, kw] = [ints[8], ints[9]];
    if (defines.VEC4 && kh === ints[10] && kw === ints[11] && ints[14] === 0 && ints[15] === 0 &&
        ints[5] * kh <= ints[1] && ints[6] * kw <= ints[2]) Object.assign(defines, { TILED: 1, KH: kh, KW: kw });
    const x = this.record(idX);
    const dy = grad ? this.record(idDy) : null;
    const out = this.draw(this.programs.get("pool", defines), this.textures.acquire(n), (set, bind) => {
      bind(0, "u_x", x);
      set("u_xWidth", x.width);
      if (grad) {
        bind(1, "u_y", dy);
        set("u_yWidth", dy.width);
      }
      this.setWindow(set, ints);
    });
    return this.adopt(out);
  }

  // --- graph mode ----------------------------------------------------------------------

  // Keep a tf.function's kernel calls, recorded once by webflow/graph/webgl_plan.py, so that a
  // run is one call from Python. spec (JSON): {inputs, calls: [[method, args, slot]], outputs,
  // sizes, copied} (a fused kernel with several results has a list of slots);
  // an argument {"slot": k} stands for the handle in slot k, slots below `inputs` are the run's
  // inputs (owned by Python, or uploaded by the run: see runPlan; sizes[k] is input k's values).
  // Every other slot's texture is freed right after its last reader,
  // unless it is an output. The outputs in `copied` (small ones the caller reads right away) are
  // copied out where they are made (copyOut). Returns the plan's index for runPlan.
  createPlan(json) {
    const { inputs, calls, outputs, sizes, copied = [] } = JSON.parse(json);
    const last = new Map();
    calls.forEach(([, args, made], k) => {
      for (const slot of [made].flat()) last.set(slot, k); // a result nobody reads is freed right after it is made
      for (const a of args) if (a !== null && typeof a === "object") last.set(a.slot, k);
    });
    const keep = new Set(outputs);
    const release = calls.map(() => []);
    for (const [slot, k] of last) if (slot >= inputs && !keep.has(slot)) release[k].push(slot);
    const steps = calls.map(([method, args, slot], k) => ({
      method: this[method], args, slot, release: release[k], copy: [slot].flat().filter((s) => copied.includes(s)),
      slotArgs: args.flatMap((a, i) => (a !== null && typeof a === "object" ? [i] : [])),
    }));
    const slots = Math.max(inputs, ...calls.map(([, , made]) => Math.max(...[made].flat()) + 1));
    const copying = Object.fromEntries(copied.map((slot) => [slot, true])); // see copyOut
    this.plans.push({ inputs, outputs, steps, slots, sizes, copying });
    return this.plans.length - 1;
  }

  // Run plan `index`. The staging buffer (setStaging), as int32, holds the input handles; the
  // output handles are written after them. An input given as -1 - at is uploaded by the run from
  // the staging buffer's values at .. at + sizes[k] (an argument or host value: no call of its
  // own) and freed at the run's end; one value (sizes[k] 1) is kept as a number instead, which
  // fused kernels read as a uniform and other kernels get uploaded when they ask (record). On an
  // error every texture the run made is freed.
  runPlan(index) {
    const plan = this.plans[index];
    const staged = this.staged();
    const data = new Int32Array(staged.buffer, staged.byteOffset, plan.inputs + plan.outputs.length);
    const slots = new Array(plan.slots);
    const uploaded = [];
    let copied = false;
    try {
      for (let i = 0; i < plan.inputs; i++) {
        const id = data[i];
        if (id >= 0) {
          slots[i] = id;
        } else {
          const at = -1 - id;
          if (plan.sizes[i] === 1) { // one value (an optimizer's step size): a uniform where fused reads it
            slots[i] = this.nextId++;
            this.values.set(slots[i], staged[at]);
          } else {
            slots[i] = this.upload(staged.subarray(at, at + plan.sizes[i]), plan.sizes[i]);
          }
          uploaded.push(slots[i]);
        }
      }
      plan.steps.forEach((step, k) => {
        const args = step.args.slice();
        for (const i of step.slotArgs) args[i] = slots[args[i].slot];
        const made = step.method.apply(this, args);
        if (Array.isArray(step.slot)) step.slot.forEach((slot, j) => { slots[slot] = made[j]; });
        else slots[step.slot] = made;
        for (const slot of step.release) this.free(slots[slot]);
        let copiedHere = false;
        for (const slot of step.copy) copiedHere = this.copyOut(slots[slot], plan, slot) || copiedHere;
        copied ||= copiedHere;
        // NOTE: the first call's commands go to the GPU process now, so it starts on them (the
        // MLP's: its 784-wide matmul) while the rest are issued, not at the loss's read-back:
        // the MLP step's median 25.7 -> 24.2 ms, its slow band less often (after every call: 24.9).
        // After a copy, so that reading it waits for the commands up to it only.
        if (k === 0 || copiedHere) this.gl.flush();
      });
      plan.outputs.forEach((slot, j) => { data[plan.inputs + j] = slots[slot]; });
      if (copied) this.submit();
    } catch (error) {
      for (let s = plan.inputs; s < plan.slots; s++) if (slots[s] !== undefined) this.free(slots[s]);
      throw error;
    } finally {
      for (const id of uploaded) this.free(id);
    }
  }

  setWindow(set, ints) {
    set("u_xShape", ints.slice(0, 4));
    set("u_yShape", ints.slice(4, 8));
    set("u_kernel", ints.slice(8, 10));
    set("u_strides", ints.slice(10, 12));
    set("u_dilations", ints.slice(12, 14));
    set("u_pads", ints.slice(14, 16));
  }
}
