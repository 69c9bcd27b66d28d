// scatter_add_vertex: the vertex half of the fast unsorted_segment_sum.
// One point per data value: value i = n * u_inner + j of data (viewed as
// [count, u_inner]) is placed on the output texel that holds value
// ids[n] * u_inner + j of the output ([segments, u_inner]); scatter_add.glsl
// writes it into that texel's component and additive blending
// (gl.blendFunc(ONE, ONE), EXT_float_blend) sums the points that land on
// the same value. So the cost is one point per data value, not a loop over
// all ids per output value.
// Drawn as gl.POINTS, gl_VertexID = i; no vertex buffers.
// Uniforms:
//   u_data, u_dataWidth       the data and its texture width
//   u_ids, u_idsWidth         the segment ids (int32 held as floats; in range, checked in webflow/ops)
//   u_inner                   the row length
//   u_outWidth, u_outHeight   the output texture's size in texels
// Outputs: v_value (the data value), v_component (its component in the texel).
// NOTE: no prelude here (it declares the fragment output), hence the local read().

precision highp float;
precision highp int;
precision highp sampler2D;

uniform sampler2D u_data;
uniform int u_dataWidth;
uniform sampler2D u_ids;
uniform int u_idsWidth;
uniform int u_inner;
uniform int u_outWidth;
uniform int u_outHeight;

flat out float v_value;
flat out int v_component;

float read(sampler2D t, int width, int i) {
  int p = i >> 2;
  return texelFetch(t, ivec2(p % width, p / width), 0)[i & 3];
}

void main() {
  int n = gl_VertexID / u_inner;
  int target = int(read(u_ids, u_idsWidth, n)) * u_inner + (gl_VertexID - n * u_inner);
  int t = target >> 2;
  vec2 texel = vec2(float(t % u_outWidth), float(t / u_outWidth)) + 0.5;
  gl_Position = vec4(texel / vec2(float(u_outWidth), float(u_outHeight)) * 2.0 - 1.0, 0.0, 1.0);
  gl_PointSize = 1.0;
  v_value = read(u_data, u_dataWidth, gl_VertexID);
  v_component = target & 3;
}
