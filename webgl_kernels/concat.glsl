// concat: join up to four inputs along one axis in one pass.
// Every tensor is viewed as rows: input k as [outer, u_inner<k>] (u_inner<k>
// is the product of its dimensions from the axis on), the output as
// [outer, u_rowLength] with u_rowLength the sum of the u_inner<k>. Output
// value (row, col) is read from the input whose column range holds col.
// The runtime chains passes for more than four inputs: a later pass's first
// input is the previous pass's output.
// Defines: NUM_INPUTS (2..4).
// Uniforms:
//   u_size, u_outWidth        output value count and texture width (texels)
//   u_rowLength               output row length
//   u_x<k>, u_width<k>        input k's texture and its width
//   u_inner<k>                input k's row length (0 for an empty input)
// Output layout: four values per texel, row-major flat (see prelude.glsl).

uniform int u_size;
uniform int u_outWidth;
uniform int u_rowLength;
uniform sampler2D u_x0;
uniform int u_width0;
uniform int u_inner0;
uniform sampler2D u_x1;
uniform int u_width1;
uniform int u_inner1;
#if NUM_INPUTS > 2
uniform sampler2D u_x2;
uniform int u_width2;
uniform int u_inner2;
#endif
#if NUM_INPUTS > 3
uniform sampler2D u_x3;
uniform int u_width3;
uniform int u_inner3;
#endif

float pick(int row, int col) {
  if (col < u_inner0) return fetch(u_x0, row * u_inner0 + col);
  col -= u_inner0;
#if NUM_INPUTS > 2
  if (col < u_inner1) return fetch(u_x1, row * u_inner1 + col);
  col -= u_inner1;
#endif
#if NUM_INPUTS > 3
  if (col < u_inner2) return fetch(u_x2, row * u_inner2 + col);
  col -= u_inner2;
#endif
#if NUM_INPUTS == 2
  return fetch(u_x1, row * u_inner1 + col);
#elif NUM_INPUTS == 3
  return fetch(u_x2, row * u_inner2 + col);
#else
  return fetch(u_x3, row * u_inner3 + col);
#endif
}

void main() {
  int base = 4 * outTexel(u_outWidth);
  vec4 v = vec4(0.0);
  if (base < u_size) {
    // NOTE: one division per fragment; the next three values walk the row.
    int row = quotient(base, u_rowLength);
    int col = base - row * u_rowLength;
    for (int c = 0; c < 4 && base + c < u_size; ++c) {
      v[c] = pick(row, col);
      if (++col == u_rowLength) { col = 0; ++row; }
    }
  }
  outColor = v;
}
