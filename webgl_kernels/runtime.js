// runtime.js: the GPU side of webflow. Owns one WebGL2 context and runs
// kernels on integer tensor handles; Python makes one call here per op.
//
//   const rt = await createRuntime();           // or createRuntime({canvas})
//   const a = rt.upload(new Float32Array([1, 2, 3]), 3);
//   const b = rt.elementwise("op_exp(x0)", [3, 1, 1, 1, 1, 1, 3, 1, a, 0, 0, 0, 0, 0, 0, 0, 0]);
//   rt.read(b, out); rt.free(a); rt.free(b);
//
// Modules: programs.js (compile + cache), textures.js (pool, upload,
// readback); this file: context, capabilities, dispatch, stats.

import { Programs, loadSources } from "./programs.js";
import { Textures } from "./textures.js";

const KERNELS = ["prelude", "ops", "elementwise", "reduce", "matmul"];
const MAX_RANK = 6;
const REDUCE_CHUNK = 64;

export async function createRuntime(options = {}) {
  const sources = await loadSources(KERNELS);
  const canvas = options.canvas ||
    (typeof OffscreenCanvas !== "undefined" ? new OffscreenCanvas(1, 1) : document.createElement("canvas"));
  const gl = canvas.getContext("webgl2", {
    alpha: false, antialias: false, depth: false, stencil: false,
    preserveDrawingBuffer: false, powerPreference: "high-performance",
  });
  if (!gl) throw new Error("webflow: WebGL2 is not available in this browser");
  return new Runtime(gl, canvas, sources);
}

export class Runtime {
  constructor(gl, canvas, sources) {
    this.gl = gl;
    this.canvas = canvas;
    this.debug = false; // true: check gl.getError() after every call
    this.lost = false;
    canvas.addEventListener("webglcontextlost", (event) => { event.preventDefault(); this.lost = true; });

    const debugInfo = gl.getExtension("WEBGL_debug_renderer_info");
    this.caps = {
      floatRenderTargets: gl.getExtension("EXT_color_buffer_float") !== null,
      parallelCompile: gl.getExtension("KHR_parallel_shader_compile") !== null,
      maxTextureSize: gl.getParameter(gl.MAX_TEXTURE_SIZE),
      renderer: gl.getParameter(debugInfo ? debugInfo.UNMASKED_RENDERER_WEBGL : gl.RENDERER),
      vendor: gl.getParameter(debugInfo ? debugInfo.UNMASKED_VENDOR_WEBGL : gl.VENDOR),
    };
    if (!this.caps.floatRenderTargets) {
      // NOTE: without float32 render targets results would be silently wrong; refuse instead.
      throw new Error("webflow: this GPU cannot render to float32 textures (EXT_color_buffer_float); " +
        "use the NumPy backend: tf.config.set_backend('numpy')");
    }
    this.programs = new Programs(gl, sources);
    this.textures = new Textures(gl, this.caps.maxTextureSize);
    this.handles = new Map(); // id -> texture record
    this.nextId = 1;
    this.counts = { draws: 0, uploads: 0, reads: 0, calls: 0 };
    this.readFormat = this.probeReadFormat();
  }

  // RED/FLOAT readPixels is an implementation choice; use it where offered.
  probeReadFormat() {
    const gl = this.gl;
    const probe = this.textures.acquire(1);
    gl.bindFramebuffer(gl.FRAMEBUFFER, probe.framebuffer);
    const format = gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_FORMAT);
    const type = gl.getParameter(gl.IMPLEMENTATION_COLOR_READ_TYPE);
    this.textures.release(probe);
    return format === gl.RED && type === gl.FLOAT ? gl.RED : gl.RGBA;
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
    if (record === undefined) throw new Error(`webflow: unknown or freed tensor handle ${id}`);
    return record;
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
    if (record.n > 0) this.textures.read(record, out, this.readFormat);
    this.counts.reads += 1;
    this.checkErrors("read");
    this.checkLost();
    return out;
  }

  async readAsync(id) {
    this.checkLost();
    const values = await this.textures.readAsync(this.record(id), this.readFormat, () => this.checkLost());
    this.counts.reads += 1;
    return values;
  }

  fill(n, value) {
    this.checkLost();
    const gl = this.gl;
    const record = this.textures.acquire(n);
    gl.bindFramebuffer(gl.FRAMEBUFFER, record.framebuffer);
    gl.clearBufferfv(gl.COLOR, 0, [value, 0, 0, 0]);
    this.counts.draws += 1;
    this.checkErrors("fill");
    return this.adopt(record);
  }

  free(id) {
    const record = this.handles.get(id);
    if (record === undefined) return;
    this.handles.delete(id);
    this.textures.release(record);
  }

  stats() {
    return {
      liveTensors: this.handles.size,
      liveTextures: this.textures.live,
      liveBytes: this.textures.liveBytes,
      texturesAllocated: this.textures.allocated,
      programsCompiled: this.programs.compiled,
      draws: this.counts.draws,
      uploads: this.counts.uploads,
      reads: this.counts.reads,
      renderer: this.caps.renderer,
      vendor: this.caps.vendor,
      maxTextureSize: this.caps.maxTextureSize,
    };
  }

  // --- dispatch -------------------------------------------------------------------------

  // Draw `program` into a new texture of n values; `bind(gl, uniforms, unit)` sets inputs.
  draw(program, n, setUniforms) {
    this.checkLost();
    const gl = this.gl;
    const out = this.textures.acquire(n);
    gl.bindFramebuffer(gl.FRAMEBUFFER, out.framebuffer);
    gl.viewport(0, 0, out.width, out.height);
    gl.useProgram(program.program);
    const u = program.uniforms;
    gl.uniform1i(u.u_size, n);
    gl.uniform1i(u.u_outWidth, out.width);
    setUniforms(gl, u);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    this.counts.draws += 1;
    this.checkErrors(program.kernel);
    return out;
  }

  bindInput(gl, unit, location, record) {
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(gl.TEXTURE_2D, record.texture);
    gl.uniform1i(location, unit);
  }

  // out = expr(x0, x1, x2) with strided reads. p (ints):
  //   [n, outShape x MAX_RANK, k, then per input: id, strided, offset, strides x MAX_RANK]
  elementwise(expr, p) {
    this.counts.calls += 1;
    const k = p[1 + MAX_RANK];
    const program = this.programs.get("elementwise", { NUM_INPUTS: k, EXPR: expr });
    const inputs = [];
    let anyStrided = 0;
    for (let i = 0; i < k; i++) {
      const base = 2 + MAX_RANK + i * (3 + MAX_RANK);
      inputs.push({ record: this.record(p[base]), strided: p[base + 1], offset: p[base + 2], base: base + 3 });
      anyStrided |= p[base + 1];
    }
    const out = this.draw(program, p[0], (gl, u) => {
      gl.uniform1iv(u.u_outShape, p.slice ? p.slice(1, 1 + MAX_RANK) : Array.from(p).slice(1, 1 + MAX_RANK));
      gl.uniform1i(u.u_anyStrided, anyStrided);
      inputs.forEach((input, i) => {
        this.bindInput(gl, i, u[`u_x${i}`], input.record);
        gl.uniform1i(u[`u_width${i}`], input.record.width);
        gl.uniform1i(u[`u_strided${i}`], input.strided);
        gl.uniform1i(u[`u_offset${i}`], input.offset);
        gl.uniform1iv(u[`u_strides${i}`], Array.prototype.slice.call(p, input.base, input.base + MAX_RANK));
      });
    });
    return this.adopt(out);
  }

  // Reduce each row of an [outer, rowLength] tensor to one value: op "sum" or "max".
  reduce(op, id, outer, rowLength) {
    this.counts.calls += 1;
    const program = this.programs.get("reduce", { [op === "sum" ? "REDUCE_SUM" : "REDUCE_MAX"]: 1 });
    let record = this.record(id);
    let length = rowLength;
    let first = true;
    do {
      const groups = Math.max(1, Math.ceil(length / REDUCE_CHUNK));
      const input = record;
      const inputLength = length;
      const out = this.draw(program, outer * groups, (gl, u) => {
        this.bindInput(gl, 0, u.u_x, input);
        gl.uniform1i(u.u_width, input.width);
        gl.uniform1i(u.u_rowLength, inputLength);
        gl.uniform1i(u.u_groups, groups);
        gl.uniform1i(u.u_chunk, REDUCE_CHUNK);
      });
      if (!first) this.textures.release(record);
      record = out;
      length = groups;
      first = false;
    } while (length > 1);
    return this.adopt(record);
  }

  // Batched matmul. p (ints): [idA, idB, M, N, K, transposeA, transposeB, n,
  //   batchShape x 4, batchStridesA x 4, batchStridesB x 4]
  matmul(p) {
    this.counts.calls += 1;
    const program = this.programs.get("matmul", {});
    const a = this.record(p[0]);
    const b = this.record(p[1]);
    const ints = Array.prototype.slice.call(p);
    const out = this.draw(program, ints[7], (gl, u) => {
      this.bindInput(gl, 0, u.u_a, a);
      this.bindInput(gl, 1, u.u_b, b);
      gl.uniform1i(u.u_widthA, a.width);
      gl.uniform1i(u.u_widthB, b.width);
      gl.uniform1i(u.u_M, ints[2]);
      gl.uniform1i(u.u_N, ints[3]);
      gl.uniform1i(u.u_K, ints[4]);
      gl.uniform1i(u.u_transposeA, ints[5]);
      gl.uniform1i(u.u_transposeB, ints[6]);
      gl.uniform1iv(u.u_batchShape, ints.slice(8, 12));
      gl.uniform1iv(u.u_batchStridesA, ints.slice(12, 16));
      gl.uniform1iv(u.u_batchStridesB, ints.slice(16, 20));
    });
    return this.adopt(out);
  }
}
