// scatter_add_vertex: the vertex half of the fast unsorted_segment_sum.
// One point per data value: value i = n * u_inner + j of data (viewed as
// [count, u_inner]) is placed on the output texel that holds value
// ids[n] * u_inner + j of the output ([segments, u_inner]); scatter_add.glsl
// writes it into that texel's component and additive blending
// (gl.blendFunc(ONE, ONE), EXT_float_blend) sums the points that land on
// the same value. So the cost is one point per data value, not a loop over
// all ids per output value.
// Defines: WHOLE_TEXELS when u_inner % 4 == 0: then a data texel's four
//   values go to one output texel, so one point per texel (a quarter of the
//   points) carries all four.
// Drawn as gl.POINTS, gl_VertexID = i (a value, or a texel with WHOLE_TEXELS); no vertex buffers.
// Uniforms:
//   u_data, u_dataWidth       the data and its texture width
//   u_ids, u_idsWidth         the segment ids (int32 held as floats; in range, checked in webflow/ops)
//   u_inner                   the row length
//   u_outWidth, u_outHeight   the output texture's size in texels
// Outputs: v_value (the data value or texel), v_component (the value's component in its texel).
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

flat out vec4 v_value;
flat out int v_component;

float read(sampler2D t, int width, int i) {
  int p = i >> 2;
  return texelFetch(t, ivec2(p % width, p / width), 0)[i & 3];
}

void main() {
#ifdef WHOLE_TEXELS
  int i = 4 * gl_VertexID;
#else
  int i = gl_VertexID;
#endif
  int n = i / u_inner;
  int target = int(read(u_ids, u_idsWidth, n)) * u_inner + (i - n * u_inner);
  int t = target >> 2;
  vec2 texel = vec2(float(t % u_outWidth), float(t / u_outWidth)) + 0.5;
  gl_Position = vec4(texel / vec2(float(u_outWidth), float(u_outHeight)) * 2.0 - 1.0, 0.0, 1.0);
  gl_PointSize = 1.0;
#ifdef WHOLE_TEXELS
  v_value = texelFetch(u_data, ivec2(gl_VertexID % u_dataWidth, gl_VertexID / u_dataWidth), 0);
#else
  v_value = vec4(read(u_data, u_dataWidth, i));
#endif
  v_component = target & 3;
}
