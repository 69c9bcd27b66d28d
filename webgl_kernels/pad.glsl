// pad: y = x with paddings of a constant value, in one pass:
//   y[o] = x[o - before] where o - before lies inside x along every axis, else the value.
// Shapes are right-aligned in MAX_RANK entries (leading 1s, leading befores 0); the
// runtime merges neighbouring unpadded axes first, so RANK axes (a define) are left to decode.
// NOTE: a fragment whose four values lie inside one row of x reads them as one
// texel (or two, shifted, when x's index is not a multiple of 4); only fragments
// at a padding edge look at each value, and decode coordinates once per row.
// Uniforms: u_size, u_outWidth; u_x (x, flat layout); u_value (a one-value
//   tensor: the fill); u_outShape[MAX_RANK], u_inShape[MAX_RANK], u_before[MAX_RANK].
// Output layout: y, four values per texel, row-major flat.

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_x;
uniform sampler2D u_value;
uniform int u_outShape[MAX_RANK];
uniform int u_inShape[MAX_RANK];
uniform int u_before[MAX_RANK];

// One axis d above the last of rowOf's walk. NOTE: a macro, written out once per axis the
// program's RANK has, so every array index is a constant: SwiftShader reads a uniform array at a
// loop counter's index far slower (pad of [1024, 1024]: 34 ms in a loop, 20 ms unrolled).
#define OUTER_AXIS(d) { \
    int p = quotient(q, u_outShape[d]); \
    int c = q - p * u_outShape[d] - u_before[d]; \
    q = p; \
    if (c < 0 || c >= u_inShape[d]) return ivec2(col, -1); \
    index += c * stride; \
    stride *= u_inShape[d]; \
  }

// Output value o's column along the last axis, and x's flat index of the first
// value of o's row (-1 when the whole row is padding).
ivec2 rowOf(int o) {
  int q = quotient(o, u_outShape[MAX_RANK - 1]);
  int col = o - q * u_outShape[MAX_RANK - 1];
  int index = 0;
  int stride = u_inShape[MAX_RANK - 1];
#if RANK > 1
  OUTER_AXIS(MAX_RANK - 2)
#endif
#if RANK > 2
  OUTER_AXIS(MAX_RANK - 3)
#endif
#if RANK > 3
  OUTER_AXIS(MAX_RANK - 4)
#endif
#if RANK > 4
  OUTER_AXIS(MAX_RANK - 5)
#endif
#if RANK > 5
  OUTER_AXIS(MAX_RANK - 6)
#endif
  return ivec2(col, index);
}

void main() {
  int base = 4 * outTexel(u_outWidth);
  if (base >= u_size) { outColor = vec4(0.0); return; }
  int outLast = u_outShape[MAX_RANK - 1];
  int inLast = u_inShape[MAX_RANK - 1];
  int before = u_before[MAX_RANK - 1];
  ivec2 at = rowOf(base);
  int j = at.x - before;
  int shift = rowShift(u_x);
  if (at.y >= 0 && j >= 0 && j + 4 <= inLast && at.x + 4 <= outLast) {
    // Four values of one row of x: one texel when aligned, else two, shifted.
    int i = at.y + j;
    int t = i >> 2;
    int k = i & 3;
    vec4 lo = texelFetch(u_x, flatTexel(t, shift), 0);
    if (k == 0) { outColor = lo; return; }
    vec4 hi = texelFetch(u_x, flatTexel(t + 1, shift), 0);
    outColor = k == 1 ? vec4(lo.yzw, hi.x) : k == 2 ? vec4(lo.zw, hi.xy) : vec4(lo.w, hi.xyz);
    return;
  }
  float value = texelFetch(u_value, ivec2(0, 0), 0).x;
  vec4 v = vec4(value);
  for (int c = 0; c < 4 && base + c < u_size; ++c) {
    if (at.x == outLast) at = rowOf(base + c);  // the next row
    j = at.x - before;
    if (at.y >= 0 && j >= 0 && j < inLast) v[c] = valueAt(u_x, shift, at.y + j);
    at.x += 1;
  }
  outColor = v;
}
