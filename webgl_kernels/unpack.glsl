// unpack: flatten the RGBA32F result of matmul_packed.glsl into the usual
// one-value-per-texel layout: out[i] for i = row * u_cols + col is component
// col % 4 of packed texel (col / 4, row).
// Uniforms: u_x (packed input), u_cols (N); u_size, u_outWidth as every kernel.
// Output layout: row-major flat R32F, one value per texel.

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_x;
uniform int u_cols;

void main() {
  int i = outIndex(u_outWidth);
  if (i >= u_size) { setOutput(0.0); return; }
  int row = i / u_cols;
  int col = i - row * u_cols;
  setOutput(texelFetch(u_x, ivec2(col / 4, row), 0)[col % 4]);
}
