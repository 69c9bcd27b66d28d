// reduce: one pass of a reduction. The input is viewed as [outer, R, inner] and reduced over R
// (the backend views any contiguous block of axes this way; other axes it first moves last,
// inner = 1); the output is [outer, G, inner] with G = ceil(R / u_chunk), each value combining
// u_chunk consecutive values along R. The runtime repeats passes until G == 1, so a sum of a
// million values adds chunks of partial sums rather than one long run.
// Defines: REDUCE_SUM, REDUCE_PROD, REDUCE_MAX or ARGMAX; COLUMNS when inner > 1 (values
// along R are u_inner apart), COLUMN_TEXELS too when inner % 4 == 0 (not ARGMAX); TWO_LEVEL
// (inner 1, not ARGMAX): each fragment combines a whole row, a chunk of u_chunk values at a
// time and then the chunks in order, as a pass of chunks and a second pass over them would (the
// same float results), in one pass (a loss's mean over a batch's 1,280 values: one draw, not
// two). ARGMAX writes the index (as a float) of the first largest value, a NaN counting as
// largest; indices are only meaningful in one pass, so the runtime sets u_chunk = R.
// Uniforms: u_size (outer * G * inner), u_outWidth, u_x (input), u_width (its width),
//           u_rowLength (R), u_groups (G), u_chunk, u_inner, u_divisor (a sum's last pass divides
//           by it: a mean's division, no pass of its own; 1 otherwise).
// Output layout: [outer, G, inner], four values per texel, row-major flat.

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_x;
uniform int u_width;
uniform int u_rowLength;
uniform int u_groups;
uniform int u_chunk;
uniform int u_inner;
uniform int u_divisor;

// A sum's, product's or max's start and its step (ARGMAX starts as a max does, steps its own way).
#if defined(REDUCE_SUM)
#define REDUCE_INIT 0.0
#define COMBINE(acc, v) acc += v
#elif defined(REDUCE_PROD)
#define REDUCE_INIT 1.0
#define COMBINE(acc, v) acc *= v
#else
#define REDUCE_INIT -INF
#define COMBINE(acc, v) acc = (isnan(v) || v > acc) ? v : acc  // NaN wins, as in NumPy
#endif

#ifdef TWO_LEVEL
// Row o, whole: each chunk combined on its own, then the chunks in order (see TWO_LEVEL).
float reduceOne(int o) {
  Cursor c = cursorAt(o * u_rowLength, u_width);
  float acc = REDUCE_INIT;
  for (int start = 0; start < u_rowLength; start += u_chunk) {
    float part = REDUCE_INIT;
    int count = min(u_chunk, u_rowLength - start);
    for (int r = 0; r < count; ++r) {
      float v = cursorRead(u_x, c);
      COMBINE(part, v);
      c = cursorNext(c, u_width);
    }
    COMBINE(acc, part);
  }
#ifdef REDUCE_SUM
  return acc / float(u_divisor);
#else
  return acc;
#endif
}
#else
float reduceOne(int o) {
#ifdef COLUMNS
  int line = quotient(o, u_inner);
  int column = o - line * u_inner;
#else
  int line = o;
#endif
  int row = quotient(line, u_groups);
  int start = (line - row * u_groups) * u_chunk;
  int count = min(u_chunk, u_rowLength - start);
#ifdef COLUMNS
  int at0 = (row * u_rowLength + start) * u_inner + column;
#else
  Cursor c = cursorAt(row * u_rowLength + start, u_width);
#endif
  float acc = REDUCE_INIT;
  int at = 0;
  for (int r = 0; r < count; ++r) {
#ifdef COLUMNS
    float v = fetch(u_x, u_width, at0 + r * u_inner);
#else
    float v = cursorRead(u_x, c);
#endif
#ifdef ARGMAX
    // strictly greater: ties keep the first index; the first NaN is final
    if (!isnan(acc) && (isnan(v) || v > acc)) { acc = v; at = r; }
#else
    COMBINE(acc, v);
#endif
#ifndef COLUMNS
    c = cursorNext(c, u_width);
#endif
  }
#ifdef ARGMAX
  return float(at);
#elif defined(REDUCE_SUM)
  return acc / float(u_divisor);
#else
  return acc;
#endif
}
#endif

#ifdef COLUMN_TEXELS
// inner % 4 == 0: the four values of an output texel are four neighbouring columns of one line,
// so each step reads one whole texel of the input (no per-value index arithmetic).
void main() {
  int o = 4 * outTexel(u_outWidth);
  int line = quotient(o, u_inner);
  int row = quotient(line, u_groups);
  int start = (line - row * u_groups) * u_chunk;
  int count = o < u_size ? min(u_chunk, u_rowLength - start) : 0;
  int at = ((row * u_rowLength + start) * u_inner + o - line * u_inner) >> 2;
  Flat xFlat = flatOf(u_x);
  Walk w = walkFrom(xFlat, at);  // the line's texels, u_inner / 4 apart (prelude's Walk)
  float step = float(u_inner >> 2) * xFlat.scale.x;
  vec4 acc = vec4(REDUCE_INIT);
  for (int r = 0; r < count; ++r) {
    vec4 v = walkNext(u_x, xFlat, w, step);
#if defined(REDUCE_SUM)
    acc += v;
#elif defined(REDUCE_PROD)
    acc *= v;
#else
    acc = mix(acc, v, bvec4(max(vec4(isnan(v)), vec4(greaterThan(v, acc)))));  // NaN wins, as in NumPy
#endif
  }
#if defined(REDUCE_SUM)
  acc /= float(u_divisor);
#endif
  outColor = o < u_size ? acc : vec4(0.0);
}
#else
void main() {
  int base = 4 * outTexel(u_outWidth);
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    if (base + k < u_size) v[k] = reduceOne(base + k);
  }
  outColor = v;
}
#endif
