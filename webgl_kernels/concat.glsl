// concat: join up to eight inputs along one axis in one pass.
// Every tensor is viewed as rows: input k as [outer, u_inner[k]] (u_inner[k]
// is the product of its dimensions from the axis on), the output as
// [outer, u_rowLength] with u_rowLength the sum of the u_inner[k]. Output
// value (row, col) is read from the input whose column range holds col.
// NOTE: a fragment whose four values come from one texel of one input (the
// input's rows are whole texels where it starts: concat along axis 0, or
// along an axis with inner sizes % 4 == 0) copies that texel: one read, no
// per-value index walk, which is most of the cost of the general path.
// The runtime chains passes for more than eight inputs: a later pass's first
// input is the previous pass's output.
// Defines: NUM_INPUTS (2..8).
// Uniforms:
//   u_size, u_outWidth        output value count and texture width (texels)
//   u_rowLength               output row length
//   u_x0 .. u_x<NUM_INPUTS-1>  the inputs (flat layout)
//   u_inner[k]                input k's row length (0 for an empty input)
// Output layout: four values per texel, row-major flat (see prelude.glsl).

uniform int u_size;
uniform int u_outWidth;
uniform int u_rowLength;
uniform int u_inner[NUM_INPUTS];
uniform sampler2D u_x0;
uniform sampler2D u_x1;
#if NUM_INPUTS > 2
uniform sampler2D u_x2;
#endif
#if NUM_INPUTS > 3
uniform sampler2D u_x3;
#endif
#if NUM_INPUTS > 4
uniform sampler2D u_x4;
#endif
#if NUM_INPUTS > 5
uniform sampler2D u_x5;
#endif
#if NUM_INPUTS > 6
uniform sampler2D u_x6;
#endif
#if NUM_INPUTS > 7
uniform sampler2D u_x7;
#endif

// Texel t of input k. NOTE: GLSL ES 3.00 indexes samplers only by constants; inputs of different
// sizes have textures of different widths (their own row shifts).
#define TEXEL_OF(x) texelFetch(x, flatTexel(t, rowShift(x)), 0)
vec4 texelOf(int k, int t) {
  if (k == 0) return TEXEL_OF(u_x0);
#if NUM_INPUTS > 2
  if (k == 2) return TEXEL_OF(u_x2);
#endif
#if NUM_INPUTS > 3
  if (k == 3) return TEXEL_OF(u_x3);
#endif
#if NUM_INPUTS > 4
  if (k == 4) return TEXEL_OF(u_x4);
#endif
#if NUM_INPUTS > 5
  if (k == 5) return TEXEL_OF(u_x5);
#endif
#if NUM_INPUTS > 6
  if (k == 6) return TEXEL_OF(u_x6);
#endif
#if NUM_INPUTS > 7
  if (k == 7) return TEXEL_OF(u_x7);
#endif
  return TEXEL_OF(u_x1);
}

void main() {
  int base = 4 * outTexel(u_outWidth);
  if (base >= u_size) { outColor = vec4(0.0); return; }
  int row = quotient(base, u_rowLength);
  int col = base - row * u_rowLength;
  // The input holding column col, and col's column within it (empty inputs are skipped).
  int k = 0;
  while (k < NUM_INPUTS - 1 && col >= u_inner[k]) { col -= u_inner[k]; ++k; }
  int i = row * u_inner[k] + col;
  if ((i & 3) == 0 && col + 4 <= u_inner[k]) {
    outColor = texelOf(k, i >> 2);
    return;
  }
  vec4 v = vec4(0.0);
  for (int c = 0; c < 4 && base + c < u_size; ++c) {
    v[c] = texelOf(k, i >> 2)[i & 3];
    // Next value: the next column of input k, else the next non-empty input, else the next row.
    ++i;
    if (++col == u_inner[k]) {
      col = 0;
      ++k;
      while (k < NUM_INPUTS && u_inner[k] == 0) ++k;
      if (k == NUM_INPUTS) {
        ++row;
        k = 0;
        while (u_inner[k] == 0) ++k;
      }
      i = row * u_inner[k];
    }
  }
  outColor = v;
}
