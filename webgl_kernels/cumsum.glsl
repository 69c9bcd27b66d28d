// cumsum: one pass of a log-step (Hillis-Steele) scan along one axis.
// The input is viewed as [outer, R, inner] (R: the axis' length); value i sits
// at position p = (i / inner) % R along the axis. A pass adds the value u_step
// positions earlier (later with REVERSE), where there is one:
//   out[i] = x[i] + x[i - u_step * inner]   if p >= u_step, else x[i]
// Passes with u_step = 1, 2, 4, ... < R give the inclusive running sum in
// ceil(log2 R) passes of one extra read per value (a per-value loop over the
// prefix would read R / 2 values per value). An exclusive sum starts with a
// shift pass (u_shift = 1, u_step = 1): out[i] = x[i - inner], or 0.
// Defines: REVERSE (sum from the end of the axis).
// Uniforms: u_size, u_outWidth, u_x (input, same size as the output),
//           u_width (its width), u_rowLength (R), u_inner, u_step, u_shift.
// Output layout: the input's shape, four values per texel, row-major flat.

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_x;
uniform int u_width;
uniform int u_rowLength;
uniform int u_inner;
uniform int u_step;
uniform int u_shift;

// NOTE: integer division is slow on SwiftShader (a version with two divisions
// per value took 70 ms per pass over 1M values, this one 27 ms): positions
// advance per value (prelude's quotient once per fragment) and neighbours are
// read by a cursor.
void main() {
  int base = 4 * outTexel(u_outWidth);
  vec4 self = texelFetch(u_x, ivec2(gl_FragCoord.xy), 0);  // same size, same layout as the output
  int q = quotient(base, u_inner);
  int r = base - q * u_inner;
  int p = q - quotient(q, u_rowLength) * u_rowLength;
#ifdef REVERSE
  int j = base + u_step * u_inner;
#else
  int j = base - u_step * u_inner;
#endif
  int t = max(j, 0) >> 2;
  int ty = quotient(t, u_width);
  Cursor at = Cursor(ivec2(t - ty * u_width, ty), max(j, 0) & 3);
  vec4 v = vec4(0.0);
  for (int c = 0; c < 4; ++c) {
    if (base + c >= u_size) break;
#ifdef REVERSE
    bool has = p + u_step < u_rowLength;
#else
    bool has = p >= u_step;
#endif
    float other = 0.0;
    if (j >= 0 && j < u_size) {  // never read outside the tensor
      other = cursorRead(u_x, at);
      at = cursorNext(at, u_width);
    }
    v[c] = (u_shift == 1 ? 0.0 : self[c]) + (has ? other : 0.0);
    j += 1;
    if (++r == u_inner) {
      r = 0;
      if (++p == u_rowLength) p = 0;
    }
  }
  outColor = v;
}
