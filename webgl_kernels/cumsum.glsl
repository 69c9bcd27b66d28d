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

void main() {
  int base = 4 * outTexel(u_outWidth);
  vec4 self = texelFetch(u_x, ivec2(gl_FragCoord.xy), 0);  // same size, same layout as the output
  vec4 v = vec4(0.0);
  for (int c = 0; c < 4; ++c) {
    int i = base + c;
    if (i >= u_size) break;
    int p = (i / u_inner) % u_rowLength;
#ifdef REVERSE
    bool has = p + u_step < u_rowLength;
    int j = i + u_step * u_inner;
#else
    bool has = p >= u_step;
    int j = i - u_step * u_inner;
#endif
    float other = fetch(u_x, u_width, has ? j : i);  // never read outside the tensor
    v[c] = (u_shift == 1 ? 0.0 : self[c]) + (has ? other : 0.0);
  }
  outColor = v;
}
