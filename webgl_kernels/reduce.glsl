// reduce: one pass of a row reduction. The input is viewed as [outer, R]
// (the backend first moves reduced axes last); the output is [outer, G]
// with G = ceil(R / u_chunk), each value combining u_chunk consecutive
// values of one row. The runtime repeats passes until G == 1, so a sum of a
// million values adds chunks of partial sums rather than one long run.
// Defines: REDUCE_SUM or REDUCE_MAX.
// Uniforms: u_size (outer * G), u_outWidth, u_x (input), u_width (its width),
//           u_rowLength (R), u_groups (G), u_chunk.
// Output layout: [outer, G], four values per texel, row-major flat.

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_x;
uniform int u_width;
uniform int u_rowLength;
uniform int u_groups;
uniform int u_chunk;

float reduceOne(int o) {
  int row = o / u_groups;
  int start = (o - row * u_groups) * u_chunk;
  int count = min(u_chunk, u_rowLength - start);
  Cursor c = cursorAt(row * u_rowLength + start, u_width);
#ifdef REDUCE_SUM
  float acc = 0.0;
#else
  float acc = -INF;
#endif
  for (int r = 0; r < count; ++r) {
    float v = cursorRead(u_x, c);
#ifdef REDUCE_SUM
    acc += v;
#else
    acc = (isnan(v) || v > acc) ? v : acc;  // NaN wins, as in NumPy
#endif
    c = cursorNext(c, u_width);
  }
  return acc;
}

void main() {
  int base = 4 * outTexel(u_outWidth);
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    if (base + k < u_size) v[k] = reduceOne(base + k);
  }
  outColor = v;
}
