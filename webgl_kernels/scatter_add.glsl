// scatter_add: the fragment half of the fast unsorted_segment_sum (see
// scatter_add_vertex.glsl): each point writes its value into one component
// of its texel and zeros elsewhere; additive blending does the sum.
// Inputs: v_value, v_component from the vertex shader. No uniforms.
// Output layout: the [segments, inner] output, four values per texel
// (see prelude.glsl), cleared to zero before the points are drawn.

flat in float v_value;
flat in int v_component;

void main() {
  vec4 v = vec4(0.0);
  v[v_component] = v_value;
  outColor = v;
}
