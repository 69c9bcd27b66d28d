// reduce: one pass of a row reduction. The input is viewed as [outer, R]
// (the backend first moves reduced axes last); the output is [outer, G]
// with G = ceil(R / u_chunk), each value combining u_chunk consecutive
// values of one row. The runtime repeats passes until G == 1, so a sum of a
// million values adds chunks of partial sums rather than one long run.
// Defines: REDUCE_SUM, REDUCE_PROD, REDUCE_MAX or ARGMAX. ARGMAX writes the
// index (as a float) of the first largest value, a NaN counting as largest;
// indices are only meaningful in one pass, so the runtime sets u_chunk = R.
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
  int row = quotient(o, u_groups);
  int start = (o - row * u_groups) * u_chunk;
  int count = min(u_chunk, u_rowLength - start);
  Cursor c = cursorAt(row * u_rowLength + start, u_width);
#if defined(REDUCE_SUM)
  float acc = 0.0;
#elif defined(REDUCE_PROD)
  float acc = 1.0;
#else
  float acc = -INF;
#endif
  int at = 0;
  for (int r = 0; r < count; ++r) {
    float v = cursorRead(u_x, c);
#if defined(REDUCE_SUM)
    acc += v;
#elif defined(REDUCE_PROD)
    acc *= v;
#elif defined(REDUCE_MAX)
    acc = (isnan(v) || v > acc) ? v : acc;  // NaN wins, as in NumPy
#else
    // strictly greater: ties keep the first index; the first NaN is final
    if (!isnan(acc) && (isnan(v) || v > acc)) { acc = v; at = r; }
#endif
    c = cursorNext(c, u_width);
  }
#ifdef ARGMAX
  return float(at);
#else
  return acc;
#endif
}

void main() {
  int base = 4 * outTexel(u_outWidth);
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    if (base + k < u_size) v[k] = reduceOne(base + k);
  }
  outColor = v;
}
