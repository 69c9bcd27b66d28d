// blocked: reading the ROWS render targets matmul_packed.glsl writes (ROWS: 4 or 8, as there),
// included by unpack.glsl and by elementwise.glsl when its input 0 is a product (MODE0 6).
// Row m of batch b sits in target m % ROWS at texel (col / 4, b * ceil(u_M / ROWS) + m / ROWS).
// Uniforms: u_t0..u_t{ROWS-1} (the targets), u_M (rows per batch), u_cols (N).
#ifndef ROWS
#define ROWS 4
#endif
#if ROWS == 8
#define ROW_BITS 3
#else
#define ROW_BITS 2
#endif

uniform sampler2D u_t0;
uniform sampler2D u_t1;
uniform sampler2D u_t2;
uniform sampler2D u_t3;
#if ROWS == 8
uniform sampler2D u_t4;
uniform sampler2D u_t5;
uniform sampler2D u_t6;
uniform sampler2D u_t7;
#endif
uniform int u_M;
uniform int u_cols;

// Texel (x, y) of target r. NOTE: GLSL ES 3.00 cannot index samplers by a variable; branches,
// not a read of every target and a select: neighbouring fragments mostly share a row, so a
// quad of fragments reads one or two targets, not all ROWS.
vec4 target(int r, ivec2 at) {
#if ROWS == 8
  if (r >= 4) {
    if (r == 4) return texelFetch(u_t4, at, 0);
    if (r == 5) return texelFetch(u_t5, at, 0);
    if (r == 6) return texelFetch(u_t6, at, 0);
    return texelFetch(u_t7, at, 0);
  }
#endif
  if (r == 0) return texelFetch(u_t0, at, 0);
  if (r == 1) return texelFetch(u_t1, at, 0);
  if (r == 2) return texelFetch(u_t2, at, 0);
  return texelFetch(u_t3, at, 0);
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
  int row = quotient(base, u_cols);
  ivec3 at = blockedAt(row, base - row * u_cols);
  return target(at.x, at.yz);
}
