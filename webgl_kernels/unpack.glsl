// unpack: flatten the ROWS targets of matmul_packed.glsl (ROWS: 4 or 8, as there) into the
// usual flat layout, four values per texel: value i = row * u_cols + col, where row runs
// over all batches (row = b * u_M + m). Row m of batch b sits in target m % ROWS
// at texel (col / 4, b * ceil(u_M / ROWS) + m / ROWS), component col % 4.
// Define CONV_BLOCKS: conv2d.glsl's BLOCK targets (ROWS 4; u_cols = Cout, a multiple of 4;
// u_M = N * OH * OW; u_rowPixels = OW): pixel m = q * OW + j, channel texel c4 sits
// in target j % 4 at texel T = (q * ceil(OW / 4) + j / 4) * (Cout / 4) + c4, that is
// (T % u_targetWidth, T / u_targetWidth).
// Uniforms: u_x0..u_x{ROWS-1} (the targets), u_M, u_cols (N); u_size, u_outWidth as every kernel.
// Output layout: four values per texel, row-major flat.
#ifndef ROWS
#define ROWS 4
#endif
#if ROWS == 8
#define ROW_BITS 3
#else
#define ROW_BITS 2
#endif

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_x0;
uniform sampler2D u_x1;
uniform sampler2D u_x2;
uniform sampler2D u_x3;
#if ROWS == 8
uniform sampler2D u_x4;
uniform sampler2D u_x5;
uniform sampler2D u_x6;
uniform sampler2D u_x7;
#endif
uniform int u_M;
uniform int u_cols;
uniform int u_rowPixels;
uniform int u_targetWidth;

// Texel (x, y) of target r. NOTE: GLSL ES 3.00 cannot index samplers by a variable; branches,
// not a read of every target and a select: neighbouring fragments mostly share a row, so a
// quad of fragments reads one or two targets, not all ROWS.
vec4 target(int r, ivec2 at) {
#if ROWS == 8
  if (r >= 4) {
    if (r == 4) return texelFetch(u_x4, at, 0);
    if (r == 5) return texelFetch(u_x5, at, 0);
    if (r == 6) return texelFetch(u_x6, at, 0);
    return texelFetch(u_x7, at, 0);
  }
#endif
  if (r == 0) return texelFetch(u_x0, at, 0);
  if (r == 1) return texelFetch(u_x1, at, 0);
  if (r == 2) return texelFetch(u_x2, at, 0);
  return texelFetch(u_x3, at, 0);
}

#ifdef CONV_BLOCKS
void main() {
  int t = outTexel(u_outWidth);
  int cols4 = u_cols >> 2;
  int m = quotient(t, cols4);
  int q = quotient(m, u_rowPixels);
  int j = m - q * u_rowPixels;
  int texel = (q * ((u_rowPixels + 3) >> 2) + (j >> 2)) * cols4 + t - m * cols4;
  int y = quotient(texel, u_targetWidth);
  ivec2 at = ivec2(texel - y * u_targetWidth, y);
  // NOTE: one read, not four: neighbouring fragments mostly agree on the target.
  int r = j & 3;
  if (r == 0) outColor = texelFetch(u_x0, at, 0);
  else if (r == 1) outColor = texelFetch(u_x1, at, 0);
  else if (r == 2) outColor = texelFetch(u_x2, at, 0);
  else outColor = texelFetch(u_x3, at, 0);
}
#else
void main() {
  int base = 4 * outTexel(u_outWidth);
  int row = quotient(base, u_cols);
  int col = base - row * u_cols;
  int b = quotient(row, u_M);
  int m = row - b * u_M;
  int rowGroups = (u_M + ROWS - 1) >> ROW_BITS;
  if ((u_cols & 3) == 0) {
    // NOTE: rows are whole texels when N % 4 == 0: one texel, no per-value division.
    outColor = target(m & (ROWS - 1), ivec2(col >> 2, b * rowGroups + (m >> ROW_BITS)));
    return;
  }
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    if (base + k < u_size) v[k] = target(m & (ROWS - 1), ivec2(col >> 2, b * rowGroups + (m >> ROW_BITS)))[col & 3];
    col += 1;
    if (col == u_cols) {
      col = 0;
      m += 1;
      if (m == u_M) { m = 0; b += 1; }
    }
  }
  outColor = v;
}
#endif
