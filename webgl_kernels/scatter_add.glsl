// scatter_add: the fragment half of the fast unsorted_segment_sum (see
// scatter_add_vertex.glsl): each point writes its value into one component
// of its texel and zeros elsewhere (or, with WHOLE_TEXELS, a whole texel);
// additive blending does the sum.
// Defines: WHOLE_TEXELS (as in scatter_add_vertex.glsl).
// Inputs: v_value, v_component from the vertex shader. No uniforms.
// Output layout: the [segments, inner] output, four values per texel
// (see prelude.glsl), cleared to zero before the points are drawn.

flat in vec4 v_value;
flat in int v_component;

void main() {
#ifdef WHOLE_TEXELS
  outColor = v_value;
#else
  vec4 v = vec4(0.0);
  v[v_component] = v_value.x;
  outColor = v;
#endif
}
