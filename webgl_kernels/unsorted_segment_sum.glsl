// unsorted_segment_sum: out[s, j] = sum of data[n, j] over the n with ids[n] == s.
// data is viewed as [u_count, u_inner], ids as [u_count] (int32 held as
// floats, each in [0, segments): checked in webflow/ops), out as [segments, u_inner].
// Cost: every fragment walks all u_count ids, so O(out values * u_count / 4).
// Uniforms:
//   u_size, u_outWidth        output value count and texture width (texels)
//   u_data, u_dataWidth       the data and its texture width
//   u_ids, u_idsWidth         the segment ids and their texture width
//   u_count, u_inner          the sizes above
// Output layout: four values per texel, row-major flat (see prelude.glsl).

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_data;
uniform int u_dataWidth;
uniform sampler2D u_ids;
uniform int u_idsWidth;
uniform int u_count;
uniform int u_inner;

void main() {
  int base = 4 * outTexel(u_outWidth);
  vec4 acc = vec4(0.0);
  if (base < u_size) {
    // The segment and column of each of the four output values.
    ivec4 segment, column;
    for (int c = 0; c < 4; ++c) {
      segment[c] = quotient(base + c, u_inner);
      column[c] = base + c - segment[c] * u_inner;
    }
    int shift = rowShift(u_data);
    Cursor id = cursorAt(0, u_idsWidth);
    for (int n = 0; n < u_count; ++n) {
      int s = int(cursorRead(u_ids, id));
      for (int c = 0; c < 4; ++c) {
        if (s == segment[c] && base + c < u_size) acc[c] += valueAt(u_data, shift, n * u_inner + column[c]);
      }
      id = cursorNext(id, u_idsWidth);
    }
  }
  outColor = acc;
}
