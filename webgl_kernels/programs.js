// programs.js: compile, link and cache shader programs.
// A program is one kernel file specialized by a few #defines; shapes arrive as
// uniforms, so each (kernel, defines) pair is compiled once for every shape.

const VERTEX_SOURCE = `#version 300 es
// A triangle that covers the viewport; no vertex buffers needed.
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}`;

// Kernel sources are fetched once, next to this module (works in a worker too).
export async function loadSources(names) {
  const entries = await Promise.all(names.map(async (name) => {
    const url = new URL(`./${name}.glsl`, import.meta.url);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`webflow: cannot load kernel ${url}: HTTP ${response.status}`);
    return [name, await response.text()];
  }));
  return Object.fromEntries(entries);
}

// The numbered source lines around each line an info log names.
function excerpt(source, log) {
  const lines = source.split("\n");
  const wanted = new Set();
  for (const match of log.matchAll(/ERROR: \d+:(\d+)/g)) {
    const line = Number(match[1]);
    for (let n = Math.max(1, line - 2); n <= Math.min(lines.length, line + 2); n++) wanted.add(n);
  }
  return [...wanted].sort((a, b) => a - b)
    .map((n) => `${String(n).padStart(4)} | ${lines[n - 1]}`).join("\n");
}

// {NAME: value} -> "#define NAME value" lines.
function header(defines) {
  return Object.entries(defines).map(([k, v]) => `#define ${k} ${v}`).join("\n");
}

// The top-level functions of a GLSL source: name, whole text, body, and a pattern for a call.
function functionsOf(source) {
  const functions = [];
  const lines = source.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i].match(/^\w+ (\w+)\(/);
    if (!head) continue;
    let depth = 0;
    let j = i;
    do {
      for (const ch of lines[j]) depth += ch === "{" ? 1 : ch === "}" ? -1 : 0;
      j += 1;
    } while (depth > 0 && j < lines.length);
    const text = lines.slice(i, j).join("\n");
    functions.push({ name: head[1], text, body: text.slice(text.indexOf("{")), pattern: new RegExp(`\\b${head[1]}\\(`) });
    i = j - 1;
  }
  return functions;
}

export class Programs {
  constructor(gl, sources) {
    this.gl = gl;
    this.sources = sources;
    this.cache = new Map();
    this.opFunctions = functionsOf(sources.ops || "");
    this.started = new Map(); // key -> a program started by warm(), not yet checked
    this.compiled = 0;
    this.compileMs = 0; // time spent compiling, linking (waiting for them) and reading uniform locations
    this.vertexShader = this.compileShader(gl.VERTEX_SHADER, VERTEX_SOURCE, "vertex");
  }

  compileShader(type, source, kernel) {
    const gl = this.gl;
    const shader = gl.createShader(type);
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS) && !gl.isContextLost()) {
      const log = gl.getShaderInfoLog(shader);
      gl.deleteShader(shader);
      throw new Error(`webflow: kernel '${kernel}' failed to compile:\n${log}\n${excerpt(source, log)}`);
    }
    return shader;
  }

  // The program for `kernel` with `defines` ({NAME: value}), compiled on first use.
  // `vertexKernel` names a kernel file holding its own vertex shader (scatter
  // kernels that draw points); by default a full-screen triangle.
  get(kernel, defines, vertexKernel = null) {
    const key = this.key(kernel, defines, vertexKernel);
    let program = this.cache.get(key);
    if (program === undefined) {
      const started = this.started.get(key) || this.start(kernel, defines, vertexKernel);
      this.started.delete(key);
      program = this.finish(started);
      this.cache.set(key, program);
    }
    return program;
  }

  key(kernel, defines, vertexKernel) {
    return `${kernel}\n${vertexKernel}\n${header(defines)}`;
  }

  // Starts compiling programs that will be needed (Runtime.warmUp) without waiting: the GPU
  // process compiles them while the page does other work (Python booting). get() finishes them.
  warm(list) {
    for (const [kernel, defines] of list) {
      const key = this.key(kernel, defines, null);
      if (!this.cache.has(key) && !this.started.has(key)) this.started.set(key, this.start(kernel, defines, null));
    }
    this.gl.flush(); // sends the commands to the GPU process now
  }

  // Compile and link, not yet asking how it went (asking waits for the GPU process).
  start(kernel, defines, vertexKernel) {
    const began = performance.now();
    const gl = this.gl;
    // elementwise: the ops.glsl functions its expression calls; blocked.glsl where it reads targets,
    // small_product.glsl where it computes a small product (as matmul.glsl does).
    const includes = (kernel === "elementwise" ? this.opsUsedBy(defines.EXPR || defines.BODY || "") : "") +
      (kernel === "unpack" || (kernel === "elementwise" && defines.MODE0 === 6) ? `\n${this.sources.blocked}` : "") +
      (kernel === "matmul" || (kernel === "elementwise" && defines.MODE0 >= 8) ? `\n${this.sources.small_product}` : "");
    const source = ["#version 300 es", header(defines), this.sources.prelude, includes,
      this.sources[kernel]].join("\n");
    const shader = (type, text) => {
      const made = gl.createShader(type);
      gl.shaderSource(made, text);
      gl.compileShader(made);
      return made;
    };
    const fragment = shader(gl.FRAGMENT_SHADER, source);
    const vertex = vertexKernel === null ? this.vertexShader
      : shader(gl.VERTEX_SHADER, ["#version 300 es", header(defines), this.sources[vertexKernel]].join("\n"));
    const program = gl.createProgram();
    gl.attachShader(program, vertex);
    gl.attachShader(program, fragment);
    gl.linkProgram(program);
    this.compileMs += performance.now() - began;
    return { kernel, vertexKernel, program, fragment, vertex, source };
  }

  // The functions of ops.glsl an expression calls, with the ones they call, in file order.
  // NOTE: a program compiles only these (a whole ops.glsl makes each compile about 40% slower).
  opsUsedBy(expression) {
    const wanted = new Set();
    const visit = (text) => {
      for (const f of this.opFunctions) {
        if (!wanted.has(f.name) && f.pattern.test(text)) {
          wanted.add(f.name);
          visit(f.body);
        }
      }
    };
    visit(expression);
    return this.opFunctions.filter((f) => wanted.has(f.name)).map((f) => f.text).join("\n");
  }

  // Checks a started program (reporting compile errors with the source lines they name) and
  // reads its uniform locations.
  finish({ kernel, vertexKernel, program, fragment, vertex, source }) {
    const started = performance.now();
    const gl = this.gl;
    if (!gl.getProgramParameter(program, gl.LINK_STATUS) && !gl.isContextLost()) {
      for (const [shader, name, text] of [[fragment, kernel, source], [vertex, vertexKernel, null]]) {
        if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) {
          const log = gl.getShaderInfoLog(shader);
          throw new Error(`webflow: kernel '${name}' failed to compile:\n${log}\n${text ? excerpt(text, log) : ""}`);
        }
      }
      throw new Error(`webflow: kernel '${kernel}' failed to link:\n${gl.getProgramInfoLog(program)}`);
    }
    gl.deleteShader(fragment);
    if (vertex !== this.vertexShader) gl.deleteShader(vertex);
    this.compiled += 1;
    // Uniform locations, looked up once; arrays are keyed by their base name.
    const uniforms = {};
    const samplers = [];
    const layeredSamplers = [];
    const count = gl.getProgramParameter(program, gl.ACTIVE_UNIFORMS);
    for (let i = 0; i < count; i++) {
      const info = gl.getActiveUniform(program, i);
      const name = info.name.replace(/\[0\]$/, "");
      uniforms[name] = gl.getUniformLocation(program, name);
      if (info.type === gl.SAMPLER_2D) samplers.push(name);
      if (info.type === gl.SAMPLER_2D_ARRAY) layeredSamplers.push(name);
    }
    this.compileMs += performance.now() - started;
    return { program, uniforms, samplers, layeredSamplers, kernel, values: {} };
  }
}
