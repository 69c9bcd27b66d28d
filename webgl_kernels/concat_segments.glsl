// concat_segments: the fragment half of concat's copy by segments (vertex half and layout:
// concat_vertex.glsl): output texel t of a segment is texel v_source + t - v_first of the input.
// NOTE: each draw shades only its input's texels and reads one texel each, where a pass over the
// whole output reads every input (SwiftShader runs every branch of a choice among samplers):
// 6 x [200, 1000] along axis 0 took 17-19 ms in concat.glsl's pass, 9.4 in its whole-texel
// variant, 2.6-2.8 this way. Its triangles cost more than that choice for short rows: runtime.js's
// CONCAT_SEGMENT_ROW.
// Uniforms: u_x (the input, flat layout), u_outWidth (the output's texture width, texels).

uniform sampler2D u_x;
uniform int u_outWidth;

flat in int v_first;
flat in int v_source;

void main() {
  outColor = texelFetch(u_x, flatTexel(v_source + outTexel(u_outWidth) - v_first, rowShift(u_x)), 0);
}
