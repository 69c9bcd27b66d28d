// blocked: reading the ROWS render targets matmul_packed.glsl writes (ROWS: 4 or 8, as there), the
// layers of one texture; included by unpack.glsl and by elementwise.glsl when its input 0 is a
// product (MODE0 6). Row m of batch b sits in layer m % ROWS at texel
// (col / 4, b * ceil(u_M / ROWS) + m / ROWS).
// Define BLOCKS_SHIFT where there is one batch and N is a power of two (u_colsShift = log2(N)):
// blockedTexel finds a value's row and column with shifts instead of two quotients (a 784x128
// result's unpack 0.60-0.66 -> 0.45 ms; a flat read of as many values took 0.32-0.40).
// blockedValues reads any N, a value at a time (unpack, and elementwise's mode 6 where N % 4 != 0).
// Uniforms: u_blocks (the layered targets), u_M (rows per batch), u_cols (N), u_colsShift.
#ifndef ROWS
#define ROWS 4
#endif
#if ROWS == 8
#define ROW_BITS 3
#else
#define ROW_BITS 2
#endif

uniform highp sampler2DArray u_blocks;
uniform int u_M;
uniform int u_cols;
uniform int u_colsShift;

// Texel (x, y) of target r: one read, the layer an index (no branch per target).
vec4 target(int r, ivec2 at) {
  return texture(u_blocks, vec3((vec2(at) + 0.5) / vec2(textureSize(u_blocks, 0).xy), float(r)));
}

// Where value `row * u_cols + col` of the product sits: its target and texel.
ivec3 blockedAt(int row, int col) {
  int b = quotient(row, u_M);
  int m = row - b * u_M;
  int rowGroups = (u_M + ROWS - 1) >> ROW_BITS;
  return ivec3(m & (ROWS - 1), col >> 2, b * rowGroups + (m >> ROW_BITS));
}

// Values base .. base + 3 of the product when u_cols % 4 == 0: one whole texel.
vec4 blockedTexel(int base) {
#ifdef BLOCKS_SHIFT
  int row = base >> u_colsShift;
  return target(row & (ROWS - 1), ivec2((base & (u_cols - 1)) >> 2, row >> ROW_BITS));
#else
  int row = quotient(base, u_cols);
  ivec3 at = blockedAt(row, base - row * u_cols);
  return target(at.x, at.yz);
#endif
}

// Values base .. base + 3 of the product, any u_cols: each read from its own target and texel
// (0 from `size`, the product's value count, on).
vec4 blockedValues(int base, int size) {
  int row = quotient(base, u_cols);
  int col = base - row * u_cols;
  int b = quotient(row, u_M);
  int m = row - b * u_M;
  int rowGroups = (u_M + ROWS - 1) >> ROW_BITS;
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    if (base + k < size) v[k] = target(m & (ROWS - 1), ivec2(col >> 2, b * rowGroups + (m >> ROW_BITS)))[col & 3];
    col += 1;
    if (col == u_cols) {
      col = 0;
      m += 1;
      if (m == u_M) { m = 0; b += 1; }
    }
  }
  return v;
}
