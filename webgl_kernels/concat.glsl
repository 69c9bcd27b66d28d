// concat: join up to eight inputs along one axis in one pass.
// Every tensor is viewed as rows: input k as [outer, u_inner[k]] (u_inner[k]
// is the product of its dimensions from the axis on), the output as
// [outer, u_rowLength] with u_rowLength the sum of the u_inner[k]. Output
// value (row, col) is read from the input whose column range holds col.
// NOTE: a fragment whose four values come from one texel of one input (the
// input's rows are whole texels where it starts: concat along axis 0, or
// along an axis with inner sizes % 4 == 0) copies that texel: one read, no
// per-value index walk, which is most of the cost of the general path.
// Define WHOLE_TEXELS where every input's rows are whole texels (u_inner[k] % 4 == 0): each
// output texel is one texel of one input, found with no per-value walk and no loop (SwiftShader ran
// both sides of the general path's branch: 6 x [200, 1000] along either axis 17-19 -> 10-11 ms;
// what remains is mostly texelOf, whose every branch it runs too).
// The runtime chains passes for more than eight inputs: a later pass's first
// input is the previous pass's output.
// Defines: NUM_INPUTS (2..8), WHOLE_TEXELS.
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

#ifdef WHOLE_TEXELS
// Past input j's texels: where texel column c lies at or past its end, input j + 1's start and width
// are taken (j: a constant, so the uniform array is read at a constant index; an empty input ends
// where it starts, so it is passed over). NOTE: selects, not an if per input (10.8-11.5 -> 9.6-10.3
// ms for 6 x [200, 1000]); reading every input's texel and mixing by k was slower than texelOf's
// returns (12.5-12.9).
#define PAST(j) { end += u_inner[j] >> 2; bool past = c >= end; k += int(past); \
    start = past ? end : start; inner = past ? u_inner[j + 1] >> 2 : inner; }

void main() {
  int texel = outTexel(u_outWidth);
  if (4 * texel >= u_size) { outColor = vec4(0.0); return; }
  int row = quotient(texel, u_rowLength >> 2);
  int c = texel - row * (u_rowLength >> 2);  // the texel column in the output's row
  int k = 0, start = 0, end = 0;
  int inner = u_inner[0] >> 2;
  PAST(0)
#if NUM_INPUTS > 2
  PAST(1)
#endif
#if NUM_INPUTS > 3
  PAST(2)
#endif
#if NUM_INPUTS > 4
  PAST(3)
#endif
#if NUM_INPUTS > 5
  PAST(4)
#endif
#if NUM_INPUTS > 6
  PAST(5)
#endif
#if NUM_INPUTS > 7
  PAST(6)
#endif
  outColor = texelOf(k, row * inner + c - start);
}
#else
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
#endif
