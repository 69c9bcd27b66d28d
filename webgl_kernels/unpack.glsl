// unpack: flatten the ROWS targets of matmul_packed.glsl (ROWS: 4 or 8, as there) into the
// usual flat layout, four values per texel: value i = row * u_cols + col, where row runs
// over all batches (row = b * u_M + m). Row m of batch b sits in target m % ROWS
// at texel (col / 4, b * ceil(u_M / ROWS) + m / ROWS), component col % 4.
// Define CONV_BLOCKS: conv2d.glsl's BLOCK targets (ROWS 4; u_cols = Cout, a multiple of 4;
// u_M = N * OH * OW; u_rowPixels = OW): pixel m = q * OW + j, channel texel c4 sits
// in target j % 4 at texel T = (q * ceil(OW / 4) + j / 4) * (Cout / 4) + c4, that is
// (T % u_targetWidth, T / u_targetWidth).
// The targets are read as blocked.glsl says (included before this file).
// Define COLS_TEXELS where N % 4 == 0 (not with CONV_BLOCKS).
// Uniforms: u_blocks (the targets' layers), u_M, u_cols (N), blocked.glsl's; u_rowPixels,
// u_targetWidth (CONV_BLOCKS); u_size, u_outWidth as every kernel.
// Output layout: four values per texel, row-major flat.
uniform int u_size;
uniform int u_outWidth;
uniform int u_rowPixels;
uniform int u_targetWidth;

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
  outColor = target(j & 3, at);
}
#elif defined(COLS_TEXELS)
// N % 4 == 0: rows are whole texels, so one texel, no per-value division.
// NOTE: a define, not a branch on u_cols: SwiftShader ran the per-value loop below too (masked),
// which made a 784x128 result's unpack cost 1.0-1.1 ms instead of 0.6.
void main() {
  outColor = blockedTexel(4 * outTexel(u_outWidth));
}
#else
void main() {
  outColor = blockedValues(4 * outTexel(u_outWidth), u_size);
}
#endif
