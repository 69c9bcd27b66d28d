// pack: copy a batch of matrices into an RGBA32F texture, 4 consecutive
// columns per texel, for matmul_packed.glsl. Row r, column group c of batch b
// lands at texel (c, b * u_rowsPadded + r); rows past u_rows and columns past
// u_cols are 0, so the matmul may run over padded edges.
// Source element (b, r, col) is read at
//   batch offset(b) + r * u_strideRow + col * u_strideCol
// which covers transposed operands and broadcast batch dimensions (stride 0).
// Define CONTIGUOUS when u_strideCol is 1 and u_cols, u_strideRow and the batch strides are
// multiples of 4: each output texel is then one whole source texel; BATCHED when there is more
// than one matrix (else the batch offset is 0).
// Uniforms: u_x (flat R32F input), u_width (its texture width), u_rows, u_cols,
//   u_rowsPadded, u_strideRow, u_strideCol, u_batchShape[4] (left-padded with 1s),
//   u_batchStrides[4]; u_size/u_outWidth as every kernel (unused here).
// Output layout: RGBA32F, ceil(u_cols / 4) x (batches * u_rowsPadded).

uniform sampler2D u_x;
uniform int u_width;
uniform int u_rows;
uniform int u_cols;
uniform int u_rowsPadded;
uniform int u_strideRow;
uniform int u_strideCol;
uniform int u_batchShape[4];
uniform int u_batchStrides[4];

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  int b = quotient(texel.y, u_rowsPadded);
  int r = texel.y - b * u_rowsPadded;
  int offset = 0;
#ifdef BATCHED
  // NOTE: written out, so the uniform arrays' indices are constants (SwiftShader reads a uniform
  // array at a loop counter's index far slower; see pad.glsl).
#define BATCH_AXIS(d) { int q = quotient(b, u_batchShape[d]); offset += (b - q * u_batchShape[d]) * u_batchStrides[d]; b = q; }
  BATCH_AXIS(3) BATCH_AXIS(2) BATCH_AXIS(1) BATCH_AXIS(0)
#endif
  vec4 v = vec4(0.0);
  if (r < u_rows) {
    int col = texel.x * 4;
    int base = offset + r * u_strideRow + col * u_strideCol;
    int shift = rowShift(u_x);
#ifdef CONTIGUOUS
    v = texelFetch(u_x, flatTexel(base >> 2, shift), 0);  // four values in a row: one source texel
#else
    for (int t = 0; t < 4; ++t) {
      if (col + t < u_cols) v[t] = valueAt(u_x, shift, base + t * u_strideCol);
    }
#endif
  }
  outColor = v;
}
