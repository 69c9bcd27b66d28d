// softmax: softmax and log_softmax along the last axis of an [outer, L] tensor
// (the backend first moves the axis last), in two steps.
// 1. Row statistics (define STATS): for each row and chunk of u_chunk values,
//    the chunk's max m and the sum s of exp(x - m), reading each texel of x
//    once (online: s is rescaled whenever m grows). With MERGE the input is a
//    previous statistics texture (u_rowLength chunks per row), merged the same
//    way; the runtime repeats until one chunk per row is left.
//    NaN or +inf anywhere in a chunk makes its m NaN (the row's output is all
//    NaN, as NumPy's exp(x - max) / sum gives); a chunk of only -inf has m = -inf, s = 0.
// 2. Output (define SOFTMAX or LOG_SOFTMAX): exp(x - m) / s, or (x - m) - log(s);
//    SHORT_ROWS (L < 4, a define so the common case carries no per-value lookup)
//    finds each value's row on its own.
// Uniforms: u_x (input), u_width (its width); STATS: u_count (outer * groups),
//   u_rowLength (L, or the previous pass's chunks per row), u_groups (chunks per row),
//   u_chunk; output: u_stats (one texel per row), u_statsWidth, u_rowLength (L), u_rows (outer);
//   u_size, u_outWidth as every kernel.
// Output layout: STATS: texel t = row * u_groups + chunk holds (m, s, 0, 0), at
//   (t % width, t / width) of a near-square texture; SOFTMAX/LOG_SOFTMAX: four
//   values per texel, row-major flat, in the layout of x.

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_x;
uniform int u_width;
uniform int u_count;
uniform int u_rowLength;
uniform int u_groups;
uniform int u_chunk;
uniform sampler2D u_stats;
uniform int u_statsWidth;
uniform int u_rows;

ivec2 texelAt(int t, int width) {
  int y = quotient(t, width);
  return ivec2(t - y * width, y);
}

ivec2 nextTexel(ivec2 at, int width) {
  at.x += 1;
  if (at.x == width) { at.x = 0; at.y += 1; }
  return at;
}

#ifdef STATS

void main() {
  int t = outTexel(u_outWidth);
  if (t >= u_count) { outColor = vec4(0.0); return; }
  int row = quotient(t, u_groups);
  int start = row * u_rowLength + (t - row * u_groups) * u_chunk;
  int end = min(start + u_chunk, (row + 1) * u_rowLength);
#ifdef MERGE
  float m = -INF;
  float s = 0.0;
  bool bad = false;
  ivec2 at = texelAt(start, u_width);
  for (int i = start; i < end; ++i) {
    vec2 part = texelFetch(u_x, at, 0).xy;
    bad = bad || isnan(part.x);
    float top = max(m, part.x);
    if (top > -INF) s = s * exp(m - top) + part.y * exp(part.x - top);
    m = top;
    at = nextTexel(at, u_width);
  }
  outColor = vec4(bad ? NAN : m, s, 0.0, 0.0);
#else
  // A whole texel at a time (prelude's softmaxStatistics).
  outColor = vec4(softmaxStatistics(u_x, rowShift(u_x), start, end), 0.0, 0.0);
#endif
}

#else

// (m, s) of a row. NOTE: a row of only -inf has no max to shift by; NumPy gives NaN there too.
vec2 rowStats(int row) {
  vec2 stats = texelFetch(u_stats, texelAt(row, u_statsWidth), 0).xy;
  return stats.x == -INF ? vec2(NAN) : stats;
}

void main() {
  int base = 4 * outTexel(u_outWidth);
  if (base >= u_size) { outColor = vec4(0.0); return; }
  vec4 x = texelFetch(u_x, ivec2(gl_FragCoord.xy), 0);
  vec4 m;
  vec4 s;
#ifdef SHORT_ROWS
  for (int c = 0; c < 4; ++c) {
    vec2 stats = rowStats(min(quotient(base + c, u_rowLength), u_rows - 1));
    m[c] = stats.x;
    s[c] = stats.y;
  }
#else
  // With L >= 4 a texel's values span at most two rows: those before `split` belong to `row`.
  int row = quotient(base, u_rowLength);
  int split = (row + 1) * u_rowLength - base;
  vec2 first = rowStats(row);
  vec2 second = rowStats(min(row + 1, u_rows - 1));
  bvec4 inFirst = lessThan(ivec4(0, 1, 2, 3), ivec4(split));
  m = mix(vec4(second.x), vec4(first.x), inFirst);
  s = mix(vec4(second.y), vec4(first.y), inFirst);
#endif
#ifdef SOFTMAX
  vec4 v = exp(x - m) / s;
#else
  vec4 v = (x - m) - log(s);
#endif
  outColor = mix(v, vec4(NAN), isnan(m));
}

#endif
