// textures.js: RGBA32F textures for tensors (RGBA16F where the GPU cannot
// render to float32), pooled by physical size.
// A tensor of n values uses ceil(n / 4) texels, four values each, in a
// texture `width` x `height`, width a power of two from sqrt(texels) up, at most rowLimit:
// a tensor folds into a near-square block, so it is limited by its total size, not
// by one axis (an embedding table 35597 x 64 fits where a 35597-texel-wide
// texture would not), and a small one still has rows for SwiftShader's threads (see
// prelude.glsl's flatTexel; a [128, 128] tensor: 64 x 64, not one row of 4096).

// NOTE: creation and uploads bind textures on their own unit, so the runtime's
// record of what kernels have bound on units 0..7 stays true (WebGL2 offers 16).
const SCRATCH_UNIT = 15;

export class Textures {
  // precision: "float32" (RGBA32F) or "float16" (RGBA16F, 8 bytes a texel).
  constructor(gl, maxTextureSize, precision = "float32") {
    this.gl = gl;
    this.internalFormat = precision === "float16" ? gl.RGBA16F : gl.RGBA32F;
    this.bytesPerTexel = precision === "float16" ? 8 : 16;
    // NOTE: widths are powers of two, so kernels find texel t at (t & (width - 1), t >> log2(width))
    // without dividing (prelude.glsl's flatTexel).
    this.rowLimit = 2 ** Math.floor(Math.log2(Math.min(4096, maxTextureSize)));
    this.maxTextureSize = maxTextureSize;
    this.free = new Map(); // "w x h" -> [texture records]
    this.live = 0;
    this.liveBytes = 0;
    this.allocated = 0;
  }

  layout(n) {
    const texels = Math.ceil(n / 4);
    const width = Math.min(2 ** Math.ceil(Math.log2(Math.max(1, Math.sqrt(texels)))), this.rowLimit);
    const height = Math.max(1, Math.ceil(texels / width));
    if (height > this.maxTextureSize) {
      throw new Error(`webflow: a tensor of ${n} values needs a ${width}x${height} texture; ` +
        `this GPU's limit is ${this.maxTextureSize}x${this.maxTextureSize} (${4 * this.rowLimit * this.maxTextureSize} values)`);
    }
    return { width, height };
  }

  // A texture for a tensor of n values (flat layout, four per texel).
  acquire(n) {
    const { width, height } = this.layout(n);
    const record = this.make(width, height);
    record.n = n;
    return record;
  }

  // A texture of width x height texels (matmul's packed operands).
  acquirePacked(width, height, layers = 0) {
    if (width > this.maxTextureSize || height > this.maxTextureSize) {
      throw new Error(`webflow: a packed ${width}x${height} texture exceeds MAX_TEXTURE_SIZE ${this.maxTextureSize}`);
    }
    const record = this.make(width, height, layers);
    record.n = width * height * 4;
    return record;
  }

  // One texture of `layers` layers of width x height texels, a render target each (matmul's ROWS
  // blocks, conv2d's four): kernels read it as one sampler2DArray, the layer picked by an index.
  // Its n is the values of one layer.
  acquireLayers(width, height, layers) {
    return this.acquirePacked(width, height, layers);
  }

  make(width, height, layers = 0) {
    const key = `${width}x${height}x${layers}`;
    const pooled = this.free.get(key);
    let record = pooled && pooled.pop();
    if (record === undefined) {
      const gl = this.gl;
      const target = layers ? gl.TEXTURE_2D_ARRAY : gl.TEXTURE_2D;
      const texture = gl.createTexture();
      gl.activeTexture(gl.TEXTURE0 + SCRATCH_UNIT);
      gl.bindTexture(target, texture);
      if (layers) gl.texStorage3D(target, 1, this.internalFormat, width, height, layers);
      else gl.texStorage2D(target, 1, this.internalFormat, width, height);
      gl.texParameteri(target, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
      gl.texParameteri(target, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
      gl.texParameteri(target, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(target, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      let framebuffer = null; // a layered texture is drawn through the runtime's MRT framebuffer
      if (!layers) {
        framebuffer = gl.createFramebuffer();
        gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
        gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
      }
      record = { texture, framebuffer, width, height, layers, key, serial: this.allocated,
        bytes: width * height * Math.max(1, layers) * this.bytesPerTexel };
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
    const rows = Math.floor(n / (4 * width)); // whole rows straight from `data`
    gl.activeTexture(gl.TEXTURE0 + SCRATCH_UNIT);
    gl.bindTexture(gl.TEXTURE_2D, record.texture);
    if (rows > 0) gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, rows, gl.RGBA, gl.FLOAT, data, 0);
    const done = rows * width * 4;
    if (done < n) {
      // NOTE: the last row is partial and may end mid-texel: copy it (at most one row) padded.
      const texels = Math.ceil((n - done) / 4);
      const tail = new Float32Array(texels * 4);
      tail.set(data.subarray(done, n));
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, rows, texels, 1, gl.RGBA, gl.FLOAT, tail, 0);
    }
  }

  // Read record.n values into `out` (a Float32Array), blocking until the GPU is done.
  read(record, out) {
    const gl = this.gl;
    const { width, n } = record;
    const rows = Math.floor(n / (4 * width));
    gl.bindFramebuffer(gl.FRAMEBUFFER, record.framebuffer);
    if (rows > 0) gl.readPixels(0, 0, width, rows, gl.RGBA, gl.FLOAT, out, 0);
    const done = rows * width * 4;
    if (done < n) {
      const texels = Math.ceil((n - done) / 4);
      const tail = new Float32Array(texels * 4);
      gl.readPixels(0, rows, texels, 1, gl.RGBA, gl.FLOAT, tail, 0);
      out.set(tail.subarray(0, n - done), done);
    }
  }

  // Copy the record's texels into a pixel-pack buffer, in command order: `buffer` (copyBytes(record)
  // long), or a new one. Returns the buffer.
  copyToBuffer(record, buffer = null) {
    const gl = this.gl;
    const fresh = buffer === null;
    if (fresh) buffer = gl.createBuffer();
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
    if (fresh) gl.bufferData(gl.PIXEL_PACK_BUFFER, this.copyBytes(record), gl.STREAM_READ);
    gl.bindFramebuffer(gl.FRAMEBUFFER, record.framebuffer);
    gl.readPixels(0, 0, record.width, record.height, gl.RGBA, gl.FLOAT, 0);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
    return buffer;
  }

  copyBytes(record) {
    return record.width * record.height * 16;
  }

  // The first n values of a buffer copyToBuffer filled, into `out` (waits for that copy only).
  readBuffer(buffer, out, n) {
    const gl = this.gl;
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
    gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, out, 0, n);
    gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
  }

  // Read without blocking: copy into a pixel-pack buffer now, fetch it once a fence passes.
  async readAsync(record, checkLost) {
    const gl = this.gl;
    const buffer = this.copyToBuffer(record);
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
    const values = new Float32Array(record.n);
    this.readBuffer(buffer, values, record.n);
    gl.deleteBuffer(buffer);
    return values;
  }
}
