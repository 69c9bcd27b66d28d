// gather: out[b, o, n, j] = params[b, o, indices[b, n], j].
// params is viewed as [batch, u_outer, u_axis, u_inner], indices as
// [batch, u_count] and the output as [batch, u_outer, u_count, u_inner]
// (batch: the batch_dims axes; outer: params' axes before the gathered one;
// inner: those after it). webflow/ops checks every index is in [0, u_axis)
// before dispatch, so no read here falls outside params.
// Uniforms:
//   u_size, u_outWidth            output value count and texture width (texels)
//   u_params, u_paramsWidth       the table and its texture width
//   u_indices, u_indicesWidth     the int32 indices (held as floats) and their width
//   u_outer, u_axis, u_count, u_inner   the sizes above
// Output layout: four values per texel, row-major flat (see prelude.glsl).

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_params;
uniform int u_paramsWidth;
uniform sampler2D u_indices;
uniform int u_indicesWidth;
uniform int u_outer;
uniform int u_axis;
uniform int u_count;
uniform int u_inner;

void main() {
  int base = 4 * outTexel(u_outWidth);
  vec4 v = vec4(0.0);
  if (base < u_size) {
    // Output coordinates of the first value; the next three walk (j, n, t) with carries.
    int t = quotient(base, u_inner);  // t = (b * u_outer + o) * u_count + n
    int j = base - t * u_inner;
    int q = quotient(t, u_count);
    int n = t - q * u_count;
    t = q;  // now t = b * u_outer + o
    int indicesShift = rowShift(u_indices), paramsShift = rowShift(u_params);
    for (int c = 0; c < 4 && base + c < u_size; ++c) {
      int index = int(valueAt(u_indices, indicesShift, quotient(t, u_outer) * u_count + n));
      v[c] = valueAt(u_params, paramsShift, (t * u_axis + index) * u_inner + j);
      if (++j == u_inner) {
        j = 0;
        if (++n == u_count) { n = 0; ++t; }
      }
    }
  }
  outColor = v;
}
