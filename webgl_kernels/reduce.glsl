// reduce: one pass of a row reduction. The input is viewed as [outer, R]
// (the backend first moves reduced axes last); the output is [outer, G]
// with G = ceil(R / u_chunk), each texel combining u_chunk consecutive
// values of one row. The runtime repeats passes until G == 1, so a sum of a
// million values adds chunks of partial sums rather than one long run.
// Defines: REDUCE_SUM or REDUCE_MAX.
// Uniforms: u_size (outer * G), u_outWidth, u_x (input), u_width (its width),
//           u_rowLength (R), u_groups (G), u_chunk.
// Output layout: row-major [outer, G], one value per texel.

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_x;
uniform int u_width;
uniform int u_rowLength;
uniform int u_groups;
uniform int u_chunk;

void main() {
  int i = outIndex(u_outWidth);
  if (i >= u_size) { setOutput(0.0); return; }
  int row = i / u_groups;
  int start = (i - row * u_groups) * u_chunk;
  int count = min(u_chunk, u_rowLength - start);
  int j = row * u_rowLength + start;
  ivec2 p = ivec2(j % u_width, j / u_width);
#ifdef REDUCE_SUM
  float acc = 0.0;
#else
  float acc = -INF;
#endif
  for (int r = 0; r < count; ++r) {
    float v = texelFetch(u_x, p, 0).r;
#ifdef REDUCE_SUM
    acc += v;
#else
    acc = (isnan(v) || v > acc) ? v : acc;  // NaN wins, as in NumPy
#endif
    p.x += 1;
    if (p.x == u_width) { p.x = 0; p.y += 1; }
  }
  setOutput(acc);
}
