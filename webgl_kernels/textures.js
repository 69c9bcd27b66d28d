// textures.js: R32F textures for tensors, pooled by physical size.
// A tensor of n values uses a texture `width` x `height` with width =
// min(n, rowLimit): long tensors fold into a squarish block, so a tensor is
// limited by width * height, not by one axis (an embedding table 35597 x 64
// fits where a 35597-texel-wide texture would not).

// NOTE: creation and uploads bind textures on their own unit, so the runtime's
// record of what kernels have bound on units 0..3 stays true.
const SCRATCH_UNIT = 7;

export class Textures {
  constructor(gl, maxTextureSize) {
    this.gl = gl;
    this.rowLimit = Math.min(4096, maxTextureSize);
    this.maxTextureSize = maxTextureSize;
    this.free = new Map(); // "w x h" -> [texture records]
    this.live = 0;
    this.liveBytes = 0;
    this.allocated = 0;
  }

  layout(n) {
    const width = Math.max(1, Math.min(n, this.rowLimit));
    const height = Math.max(1, Math.ceil(n / width));
    if (height > this.maxTextureSize) {
      throw new Error(`webflow: a tensor of ${n} values needs a ${width}x${height} texture; ` +
        `this GPU's limit is ${this.maxTextureSize}x${this.maxTextureSize} (${this.rowLimit * this.maxTextureSize} values)`);
    }
    return { width, height };
  }

  // A texture for a tensor of n values (R32F, flat layout).
  acquire(n) {
    const { width, height } = this.layout(n);
    const record = this.make(width, height, false);
    record.n = n;
    return record;
  }

  // An RGBA32F texture of width x height texels (matmul's packed operands).
  acquirePacked(width, height) {
    if (width > this.maxTextureSize || height > this.maxTextureSize) {
      throw new Error(`webflow: a packed ${width}x${height} texture exceeds MAX_TEXTURE_SIZE ${this.maxTextureSize}`);
    }
    const record = this.make(width, height, true);
    record.n = width * height * 4;
    return record;
  }

  make(width, height, rgba) {
    const key = `${width}x${height}${rgba ? "rgba" : ""}`;
    const pooled = this.free.get(key);
    let record = pooled && pooled.pop();
    if (record === undefined) {
      const gl = this.gl;
      const texture = gl.createTexture();
      gl.activeTexture(gl.TEXTURE0 + SCRATCH_UNIT);
      gl.bindTexture(gl.TEXTURE_2D, texture);
      gl.texStorage2D(gl.TEXTURE_2D, 1, rgba ? gl.RGBA32F : gl.R32F, width, height);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      const framebuffer = gl.createFramebuffer();
      gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
      record = { texture, framebuffer, width, height, key, bytes: width * height * (rgba ? 16 : 4) };
      this.allocated += 1;
    }
    this.live += 1;
    this.liveBytes += record.bytes;
    return record;
  }

  release(record) {
    this.live -= 1;
    this.liveBytes -= record.bytes;
    if (!this.free.has(record.key)) this.free.set(record.key, []);
    this.free.get(record.key).push(record);
  }

  // Write `data` (a Float32Array of at least record.n values) into the texture.
  upload(record, data) {
    const gl = this.gl;
    const { width, n } = record;
    const full = Math.floor(n / width);
    gl.activeTexture(gl.TEXTURE0 + SCRATCH_UNIT);
    gl.bindTexture(gl.TEXTURE_2D, record.texture);
    if (full > 0) gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, full, gl.RED, gl.FLOAT, data, 0);
    const rest = n - full * width;
    if (rest > 0) gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, full, rest, 1, gl.RED, gl.FLOAT, data, full * width);
  }

  // Read record.n values into `out` (a Float32Array), blocking until the GPU is done.
  read(record, out, readFormat) {
    const gl = this.gl;
    const { width, n } = record;
    const full = Math.floor(n / width);
    const rest = n - full * width;
    gl.bindFramebuffer(gl.FRAMEBUFFER, record.framebuffer);
    if (readFormat === gl.RED) {
      if (full > 0) gl.readPixels(0, 0, width, full, gl.RED, gl.FLOAT, out, 0);
      if (rest > 0) gl.readPixels(0, full, rest, 1, gl.RED, gl.FLOAT, out, full * width);
      return;
    }
    // NOTE: where RED/FLOAT reads are not offered, read RGBA and keep the red channel.
    const rgba = new Float32Array(width * record.height * 4);
    gl.readPixels(0, 0, width, record.height, gl.RGBA, gl.FLOAT, rgba);
    for (let i = 0; i < n; i++) out[i] = rgba[4 * i];
  }

  // Read without blocking: copy into a pixel-pack buffer now, fetch it once a fence passes.
  async readAsync(record, readFormat, checkLost) {
    const gl = this.gl;
    const { width, height, n } = record;
    const channels = readFormat === gl.RED ? 1 : 4;
    const buffer = gl.createBuffer();
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
    gl.bufferData(gl.PIXEL_PACK_BUFFER, width * height * channels * 4, gl.STREAM_READ);
    gl.bindFramebuffer(gl.FRAMEBUFFER, record.framebuffer);
    gl.readPixels(0, 0, width, height, readFormat, gl.FLOAT, 0);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    const fence = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    gl.flush();
    try {
      while (gl.clientWaitSync(fence, 0, 0) === gl.TIMEOUT_EXPIRED) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        checkLost();
      }
    } finally {
      gl.deleteSync(fence);
    }
    const all = new Float32Array(width * height * channels);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
    gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, all);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    gl.deleteBuffer(buffer);
    if (channels === 1) return all.subarray(0, n);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = all[4 * i];
    return out;
  }
}
