// concat_vertex: the vertex half of concat's copy by segments (concat_segments.glsl), for inputs
// whose rows are whole texels. One draw per input: each of the output's rows holds a
// segment of this input, output texels [a, b) with a = row * u_rowTexels + u_start and
// b = a + u_texels, which in the output's texture (2^u_outShift texels wide) is up to three
// rectangles: the rest of its first texture row, the whole rows in between, the start of its last
// one. Instance 3 * row + piece draws rectangle `piece` (0, 1, 2; an empty one draws nothing) as
// two triangles (gl_VertexID 0..5), so only the segment's texels are shaded, each once.
// Uniforms:
//   u_rowTexels                the output's row length in texels
//   u_start, u_texels          where this input's segment starts in a row, and its length (texels)
//   u_outShift, u_outHeight    log2 of the output texture's width, and its height
// Outputs: v_first (the segment's first output texel), v_source (its first texel in the input).
// NOTE: no prelude here (it declares the fragment output).

precision highp float;
precision highp int;

uniform int u_rowTexels;
uniform int u_start;
uniform int u_texels;
uniform int u_outShift;
uniform int u_outHeight;

flat out int v_first;
flat out int v_source;

void main() {
  int row = gl_InstanceID / 3;
  int piece = gl_InstanceID - 3 * row;
  int a = row * u_rowTexels + u_start;
  int last = a + u_texels - 1;  // the segment's last texel
  int width = 1 << u_outShift;
  int first = a >> u_outShift, final = last >> u_outShift;  // its first and last texture rows
  int end = (last & (width - 1)) + 1;  // past its last texel in the last row
  // Rectangle [left, right) x [top, bottom) in texels.
  int left = piece == 0 ? a & (width - 1) : 0;
  int right = piece == 0 ? (final == first ? end : width) : piece == 1 ? width : (final > first ? end : 0);
  int top = piece == 0 ? first : piece == 1 ? first + 1 : final;
  int bottom = piece == 0 ? first + 1 : piece == 1 ? max(final, first + 1) : final + 1;
  int corner = gl_VertexID;  // (left, top), (right, top), (left, bottom); (left, bottom), (right, top), (right, bottom)
  bool isRight = corner == 1 || corner == 4 || corner == 5;
  bool isBottom = corner == 2 || corner == 3 || corner == 5;
  vec2 at = vec2(float(isRight ? right : left) / float(width), float(isBottom ? bottom : top) / float(u_outHeight));
  gl_Position = vec4(2.0 * at - 1.0, 0.0, 1.0);
  v_first = a;
  v_source = row * u_texels;
}
