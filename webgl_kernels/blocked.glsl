// blocked: reading the ROWS render targets matmul_packed.glsl writes (ROWS: 4 or 8, as there), the
// layers of one texture; included by unpack.glsl and by elementwise.glsl when its input 0 is a
// product (MODE0 6). Row m of batch b sits in layer m % ROWS at texel
// (col / 4, b * ceil(u_M / ROWS) + m / ROWS).
// Uniforms: u_blocks (the layered targets), u_M (rows per batch), u_cols (N).
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
  int row = quotient(base, u_cols);
  ivec3 at = blockedAt(row, base - row * u_cols);
  return target(at.x, at.yz);
}
