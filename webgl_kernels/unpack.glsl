// unpack: flatten the RGBA32F result of matmul_packed.glsl (texel (c, row)
// holds columns 4c .. 4c+3 of that row) into the usual flat layout, four
// values per texel: value i = row * u_cols + col.
// Uniforms: u_x (packed input), u_cols (N); u_size, u_outWidth as every kernel.
// Output layout: four values per texel, row-major flat.

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_x;
uniform int u_cols;

void main() {
  int base = 4 * outTexel(u_outWidth);
  int row = base / u_cols;
  int col = base - row * u_cols;
  if ((u_cols & 3) == 0) {
    // NOTE: rows are whole texels when N % 4 == 0: one read, no per-value division.
    outColor = texelFetch(u_x, ivec2(col >> 2, row), 0);
    return;
  }
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    if (base + k < u_size) v[k] = texelFetch(u_x, ivec2(col >> 2, row), 0)[col & 3];
    col += 1;
    if (col == u_cols) { col = 0; row += 1; }
  }
  outColor = v;
}
