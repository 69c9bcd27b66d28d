// elementwise: out[i] = EXPR(x0, ..., x5), four output values per texel.
// Inputs are read with arbitrary strides, so this one kernel also does
// broadcasting, transpose, broadcast_to and (with an offset) slicing.
// Defines: NUM_INPUTS (1..6); EXPR, an expression over x0..x5 built from ops.glsl; or, for
//   NUM_OUTPUTS (2..4) results of one pass into as many targets, BODY (see apply);
//   MODE<k> for each input (a define, not a uniform: SwiftShader evaluates both
//   sides of a uniform branch, and the strided path is the expensive one):
//   0: input k has the output's shape: read the same texel, fetched at the fragment's texel (on
//      SwiftShader, Chromium 156, cheaper than through the sampler at its centre: relu of 1M
//      values 2.2 -> 1.9 ms, an add 2.7 -> 2.2);
//   1: read value u_offset<k> + sum(coord[d] * u_strides<k>[d]) (0 strides broadcast);
//   2: input k is a single value;
//   3: row broadcast, value i / u_inner<k> (an [outer, 1] operand: keepdims reductions), u_inner<k> >= 4;
//   4: column broadcast, value i % u_inner<k> (an [inner] operand: a bias);
//   5: column broadcast with u_inner<k> % 4 == 0: whole texels, no per-value index;
//   6 (input 0 only): a matrix product still in matmul_packed.glsl's ROWS targets, read as
//     blocked.glsl says (included before this file), so it needs no unpack pass of its own: a
//     texel at a time, or with BLOCKS_VALUES (N % 4 != 0: rows end mid-texel) a value at a time;
//   8, 9 (input 0 only): a small matrix product u_x0 @ u_b computed here (small_product.glsl,
//     included before this file), so it needs no pass of its own: 8 a texel of B per step
//     (N % 4 == 0, B as stored), 9 a value of A and of B per step (any other);
//   7: as 1 in whole texels: u_offset<k> and u_strides<k> count texels, the output's last axis
//     (a multiple of 4) is read in order, so each output texel is one texel of input k, found by
//     one index walk over the output's shape in texels (a transpose that keeps 4k channels last).
//   10, 11: the log_softmax (10) or softmax (11) of input k (the output's shape) along rows of
//     u_inner<k> values (4..64), each row's statistics worked out here (rowSoftmax), so the
//     softmax needs no passes of its own (graph fusion: a classifier's loss reads its log_softmax);
//   12, 14: the sums over the middle axis of input k viewed as [outer, u_length<k>, u_inner<k>]
//     (the output is [outer, u_inner<k>]), added here in the reduce kernel's order: 12 a whole
//     texel a row where u_inner<k> % 4 == 0 (rowSumTexels), 14 a value at a time (rowSumValues).
//   13: input k is one value given as the uniform u_value<k> (a graph run's one-value input,
//     such as an optimizer's step size: no texture to upload, no read per fragment).
// Modes 3-5 need no coordinate walk, so the common broadcasts stay cheap.
// Uniforms:
//   u_size, u_outWidth         output value count and texture width (texels)
//   u_outShape[MAX_RANK]       output shape, left-padded with 1s
//   u_x<k>                     input k's texture
//   u_offset<k>, u_strides<k>  where a mode-1 input reads (see MODE<k>)
//   u_inner<k>                 the broadcast period of a mode 3-5 input; a mode 10-12 input's row length
//   u_length<k>                rows summed by a mode-12 input
//   u_value<k>                 a mode-13 input's value
//   u_blocks, u_M, u_cols      a mode-6 input 0 (blocked.glsl)
//   u_b, u_M, u_N, u_K, u_transposeA, u_transposeB  a mode-8 or 9 input 0: A is u_x0
// Output layout: four values per texel, row-major flat (see prelude.glsl).

uniform int u_size;
uniform int u_outWidth;
uniform int u_outShape[MAX_RANK];

// Input k: u_x<k> and where it reads (unused ones are compiled out). NUM_INPUTS > k declares it.
uniform sampler2D u_x0;
uniform int u_offset0, u_inner0, u_length0, u_strides0[MAX_RANK];
uniform float u_value0;
#if MODE0 >= 8
uniform sampler2D u_b;
uniform int u_M, u_N, u_K, u_transposeA, u_transposeB;
#endif
#if NUM_INPUTS > 1
uniform sampler2D u_x1;
uniform int u_offset1, u_inner1, u_length1, u_strides1[MAX_RANK];
uniform float u_value1;
#endif
#if NUM_INPUTS > 2
uniform sampler2D u_x2;
uniform int u_offset2, u_inner2, u_length2, u_strides2[MAX_RANK];
uniform float u_value2;
#endif
#if NUM_INPUTS > 3
uniform sampler2D u_x3;
uniform int u_offset3, u_inner3, u_length3, u_strides3[MAX_RANK];
uniform float u_value3;
#endif
#if NUM_INPUTS > 4
uniform sampler2D u_x4;
uniform int u_offset4, u_inner4, u_length4, u_strides4[MAX_RANK];
uniform float u_value4;
#endif
#if NUM_INPUTS > 5
uniform sampler2D u_x5;
uniform int u_offset5, u_inner5, u_length5, u_strides5[MAX_RANK];
uniform float u_value5;
#endif

#ifndef NUM_OUTPUTS
#define NUM_OUTPUTS 1
#endif
#if NUM_OUTPUTS > 1
layout(location = 1) out vec4 outColor1;
#endif
#if NUM_OUTPUTS > 2
layout(location = 2) out vec4 outColor2;
#endif
#if NUM_OUTPUTS > 3
layout(location = 3) out vec4 outColor3;
#endif

#ifdef BODY
// Several results of the same inputs: BODY, statements over x0..x5, sets y[0] .. y[NUM_OUTPUTS - 1].
vec4 apply(float x0, float x1, float x2, float x3, float x4, float x5) {
  vec4 y = vec4(0.0);
  BODY
  return y;
}
#else
float apply(float x0, float x1, float x2, float x3, float x4, float x5) {
  return EXPR;
}
#endif

// One axis d of an index walk: i's coordinate along d (of `size` values) times its stride.
// NOTE: a macro, written out once per axis the output has (STRIDED_RANK, a define), so every
// array index is a constant: SwiftShader reads a uniform array at a loop counter's index far
// slower (see pad.glsl).
#define WALK_AXIS(d, size) { int q = quotient(i, size); j += (i - q * (size)) * strides[d]; i = q; }
#define WALK(last) \
  WALK_AXIS(MAX_RANK - 1, last) \
  WALK_REST

#ifndef STRIDED_RANK
#define STRIDED_RANK 0
#endif
#define AXIS(k) WALK_AXIS(MAX_RANK - k, u_outShape[MAX_RANK - k])
#if STRIDED_RANK > 5
#define WALK_REST AXIS(2) AXIS(3) AXIS(4) AXIS(5) AXIS(6)
#elif STRIDED_RANK > 4
#define WALK_REST AXIS(2) AXIS(3) AXIS(4) AXIS(5)
#elif STRIDED_RANK > 3
#define WALK_REST AXIS(2) AXIS(3) AXIS(4)
#elif STRIDED_RANK > 2
#define WALK_REST AXIS(2) AXIS(3)
#elif STRIDED_RANK > 1
#define WALK_REST AXIS(2)
#else
#define WALK_REST
#endif

// Input value index for output value i, given an input's offset and strides (the axes past
// STRIDED_RANK are 1s: they add nothing).
int sourceIndex(int i, int offset, int strides[MAX_RANK]) {
  int j = offset;
  WALK(u_outShape[MAX_RANK - 1])
  return j;
}

// Input texel for output texel t (mode 7): the walk of sourceIndex over the output's shape in
// texels (its last axis divided by 4), offset and strides in texels.
int texelSource(int i, int offset, int strides[MAX_RANK]) {
  int j = offset;
  WALK(u_outShape[MAX_RANK - 1] >> 2)
  return j;
}

// Four values of an input read with strides (mode 1): one index walk per value; with ROW_TEXELS
// (the output's last axis a multiple of 4, so a texel's four values are on one row) one walk, then
// the last axis's stride (a 512x512 transpose 7.4-9.9 -> 4.4-5.1 ms; [64, 12, 12, 8] to [8, 12, 12, 64]
// 3.0-3.3 -> 1.6-1.9 ms).
vec4 gather(sampler2D x, int offset, int strides[MAX_RANK], int base) {
  int shift = rowShift(x);
#ifdef ROW_TEXELS
  int j = sourceIndex(base, offset, strides);
  int step = strides[MAX_RANK - 1];
  return vec4(valueAt(x, shift, j), valueAt(x, shift, j + step), valueAt(x, shift, j + 2 * step),
              valueAt(x, shift, j + 3 * step));
#else
  vec4 v = vec4(0.0);
  for (int c = 0; c < 4; ++c) {
    if (base + c < u_size) v[c] = valueAt(x, shift, sourceIndex(base + c, offset, strides));
  }
  return v;
#endif
}

// The texel of an input of the output's shape (mode 0) at this fragment (see MODE<k>).
vec4 sameTexel(sampler2D x) {
  return texelFetch(x, ivec2(gl_FragCoord.xy), 0);
}

// Values i / inner for i = base .. base + 3 (inner >= 4: rows j and j + 1 at most).
// NOTE: two reads and a select, no loop: at a program's first draw (where SwiftShader compiles it)
// this read costs about half what a loop of four conditional reads did (4-5 ms against 8-9).
vec4 rowBroadcast(sampler2D x, int inner, int base) {
  int j = quotient(base, inner);
  int next = (j + 1) * inner - base;  // the first of the four in row j + 1
  int shift = rowShift(x);
  return mix(vec4(valueAt(x, shift, j)), vec4(valueAt(x, shift, j + 1)),
             greaterThanEqual(ivec4(0, 1, 2, 3), ivec4(next)));
}

// Values i % inner for i = base .. base + 3.
vec4 columnBroadcast(sampler2D x, int inner, int base) {
  int j = base - quotient(base, inner) * inner;
  int shift = rowShift(x);
  vec4 v;
  for (int c = 0; c < 4; ++c) {
    v[c] = valueAt(x, shift, j);
    if (++j == inner) j = 0;
  }
  return v;
}

// Values i % inner for i = base .. base + 3 when inner % 4 == 0: one whole texel.
vec4 columnTexel(sampler2D x, int inner, int base) {
  return texelFetch(x, flatTexel((base - quotient(base, inner) * inner) >> 2, rowShift(x)), 0);
}

// A row's (max, sum of exp(x - max)) (prelude's softmaxStatistics, as softmax.glsl's statistics
// pass reads a row, so the same results); NaN where the row holds a NaN or +inf or only -inf.
vec2 rowStatistics(sampler2D x, int shift, int start, int end) {
  vec2 stats = softmaxStatistics(x, shift, start, end);
  return stats.x == -INF ? vec2(NAN) : stats;
}

// Values base .. base + 3 of log_softmax (logarithm) or softmax of x along rows of `length`
// (>= 4: the four span two rows at most, each row's statistics worked out once).
vec4 rowSoftmax(sampler2D x, int length, int base, bool logarithm) {
  int shift = rowShift(x);
  int row = quotient(base, length);
  int start = row * length;
  int split = start + length - base;  // the first of the four in the next row
  vec2 first = rowStatistics(x, shift, start, start + length);
  vec2 second = first;
  if (split < 4 && start + length < u_size) second = rowStatistics(x, shift, start + length, start + 2 * length);
  bvec4 inFirst = lessThan(ivec4(0, 1, 2, 3), ivec4(split));
  vec4 m = mix(vec4(second.x), vec4(first.x), inFirst);
  vec4 s = mix(vec4(second.y), vec4(first.y), inFirst);
  vec4 v = sameTexel(x);
  v = logarithm ? (v - m) - log(s) : exp(v - m) / s;
  return mix(v, vec4(NAN), isnan(m));
}

// Values base .. base + 3 of the sums over the middle axis of x viewed as [outer, rows, inner]:
// each adds its rows from the first, as the reduce kernel's one pass does (so the same float
// sums). NOTE: two functions chosen by mode, not a branch on inner: SwiftShader would run both.
// inner % 4 == 0: the four are neighbouring columns, read a whole texel a row.
vec4 rowSumTexels(sampler2D x, int inner, int rows, int base) {
  int shift = rowShift(x);
  int line = quotient(base, inner);
  int t = (line * rows * inner + base - line * inner) >> 2;
  vec4 v = vec4(0.0);
  for (int r = 0; r < rows; ++r) {
    v += texelFetch(x, flatTexel(t, shift), 0);
    t += inner >> 2;
  }
  return v;
}

// Any inner: a value at a time.
vec4 rowSumValues(sampler2D x, int inner, int rows, int base) {
  int shift = rowShift(x);
  vec4 v = vec4(0.0);
  for (int c = 0; c < 4; ++c) {
    int line = quotient(base + c, inner);
    int j = line * rows * inner + base + c - line * inner;
    for (int r = 0; r < rows && base + c < u_size; ++r) {
      v[c] += valueAt(x, shift, j);
      j += inner;
    }
  }
  return v;
}

// Input k is read as its MODE<k> says. NOTE: preprocessor branches, not a function of the mode:
// a program compiles only the reads it makes (compiling is most of a first step's time).
void main() {
  int base = 4 * outTexel(u_outWidth);
  if (base >= u_size) {
    outColor = vec4(0.0);
#if NUM_OUTPUTS > 1
    outColor1 = vec4(0.0);
#endif
#if NUM_OUTPUTS > 2
    outColor2 = vec4(0.0);
#endif
#if NUM_OUTPUTS > 3
    outColor3 = vec4(0.0);
#endif
    return;
  }
  vec4 x0 = vec4(0.0), x1 = vec4(0.0), x2 = vec4(0.0), x3 = vec4(0.0), x4 = vec4(0.0), x5 = vec4(0.0);
#if MODE0 == 0
  x0 = sameTexel(u_x0);
#elif MODE0 == 2
  x0 = vec4(texelFetch(u_x0, ivec2(0, 0), 0).r);
#elif MODE0 == 3
  x0 = rowBroadcast(u_x0, u_inner0, base);
#elif MODE0 == 4
  x0 = columnBroadcast(u_x0, u_inner0, base);
#elif MODE0 == 5
  x0 = columnTexel(u_x0, u_inner0, base);
#elif MODE0 == 13
  x0 = vec4(u_value0);
#elif MODE0 == 10
  x0 = rowSoftmax(u_x0, u_inner0, base, true);
#elif MODE0 == 11
  x0 = rowSoftmax(u_x0, u_inner0, base, false);
#elif MODE0 == 12
  x0 = rowSumTexels(u_x0, u_inner0, u_length0, base);
#elif MODE0 == 14
  x0 = rowSumValues(u_x0, u_inner0, u_length0, base);
#elif MODE0 == 7
  x0 = texelFetch(u_x0, flatTexel(texelSource(base >> 2, u_offset0, u_strides0), rowShift(u_x0)), 0);
#elif MODE0 == 6 && defined(BLOCKS_VALUES)
  x0 = blockedValues(base, u_size);
#elif MODE0 == 6
  x0 = blockedTexel(base);
#elif MODE0 == 8
  x0 = rowProductTexel(u_x0, u_b, base >> 2, u_M, u_N, u_K, u_transposeA);
#elif MODE0 == 9
  for (int c = 0; c < 4; ++c) {
    if (base + c < u_size) x0[c] = productValue(u_x0, u_b, base + c, u_M, u_N, u_K, u_transposeA, u_transposeB);
  }
#else
  x0 = gather(u_x0, u_offset0, u_strides0, base);
#endif
#if NUM_INPUTS > 1
#if MODE1 == 0
  x1 = sameTexel(u_x1);
#elif MODE1 == 2
  x1 = vec4(texelFetch(u_x1, ivec2(0, 0), 0).r);
#elif MODE1 == 3
  x1 = rowBroadcast(u_x1, u_inner1, base);
#elif MODE1 == 4
  x1 = columnBroadcast(u_x1, u_inner1, base);
#elif MODE1 == 5
  x1 = columnTexel(u_x1, u_inner1, base);
#elif MODE1 == 13
  x1 = vec4(u_value1);
#elif MODE1 == 10
  x1 = rowSoftmax(u_x1, u_inner1, base, true);
#elif MODE1 == 11
  x1 = rowSoftmax(u_x1, u_inner1, base, false);
#elif MODE1 == 12
  x1 = rowSumTexels(u_x1, u_inner1, u_length1, base);
#elif MODE1 == 14
  x1 = rowSumValues(u_x1, u_inner1, u_length1, base);
#elif MODE1 == 7
  x1 = texelFetch(u_x1, flatTexel(texelSource(base >> 2, u_offset1, u_strides1), rowShift(u_x1)), 0);
#else
  x1 = gather(u_x1, u_offset1, u_strides1, base);
#endif
#endif
#if NUM_INPUTS > 2
#if MODE2 == 0
  x2 = sameTexel(u_x2);
#elif MODE2 == 2
  x2 = vec4(texelFetch(u_x2, ivec2(0, 0), 0).r);
#elif MODE2 == 3
  x2 = rowBroadcast(u_x2, u_inner2, base);
#elif MODE2 == 4
  x2 = columnBroadcast(u_x2, u_inner2, base);
#elif MODE2 == 5
  x2 = columnTexel(u_x2, u_inner2, base);
#elif MODE2 == 13
  x2 = vec4(u_value2);
#elif MODE2 == 10
  x2 = rowSoftmax(u_x2, u_inner2, base, true);
#elif MODE2 == 11
  x2 = rowSoftmax(u_x2, u_inner2, base, false);
#elif MODE2 == 12
  x2 = rowSumTexels(u_x2, u_inner2, u_length2, base);
#elif MODE2 == 14
  x2 = rowSumValues(u_x2, u_inner2, u_length2, base);
#elif MODE2 == 7
  x2 = texelFetch(u_x2, flatTexel(texelSource(base >> 2, u_offset2, u_strides2), rowShift(u_x2)), 0);
#else
  x2 = gather(u_x2, u_offset2, u_strides2, base);
#endif
#endif
#if NUM_INPUTS > 3
#if MODE3 == 0
  x3 = sameTexel(u_x3);
#elif MODE3 == 2
  x3 = vec4(texelFetch(u_x3, ivec2(0, 0), 0).r);
#elif MODE3 == 3
  x3 = rowBroadcast(u_x3, u_inner3, base);
#elif MODE3 == 4
  x3 = columnBroadcast(u_x3, u_inner3, base);
#elif MODE3 == 5
  x3 = columnTexel(u_x3, u_inner3, base);
#elif MODE3 == 13
  x3 = vec4(u_value3);
#elif MODE3 == 10
  x3 = rowSoftmax(u_x3, u_inner3, base, true);
#elif MODE3 == 11
  x3 = rowSoftmax(u_x3, u_inner3, base, false);
#elif MODE3 == 12
  x3 = rowSumTexels(u_x3, u_inner3, u_length3, base);
#elif MODE3 == 14
  x3 = rowSumValues(u_x3, u_inner3, u_length3, base);
#elif MODE3 == 7
  x3 = texelFetch(u_x3, flatTexel(texelSource(base >> 2, u_offset3, u_strides3), rowShift(u_x3)), 0);
#else
  x3 = gather(u_x3, u_offset3, u_strides3, base);
#endif
#endif
#if NUM_INPUTS > 4
#if MODE4 == 0
  x4 = sameTexel(u_x4);
#elif MODE4 == 2
  x4 = vec4(texelFetch(u_x4, ivec2(0, 0), 0).r);
#elif MODE4 == 3
  x4 = rowBroadcast(u_x4, u_inner4, base);
#elif MODE4 == 4
  x4 = columnBroadcast(u_x4, u_inner4, base);
#elif MODE4 == 5
  x4 = columnTexel(u_x4, u_inner4, base);
#elif MODE4 == 13
  x4 = vec4(u_value4);
#elif MODE4 == 10
  x4 = rowSoftmax(u_x4, u_inner4, base, true);
#elif MODE4 == 11
  x4 = rowSoftmax(u_x4, u_inner4, base, false);
#elif MODE4 == 12
  x4 = rowSumTexels(u_x4, u_inner4, u_length4, base);
#elif MODE4 == 14
  x4 = rowSumValues(u_x4, u_inner4, u_length4, base);
#elif MODE4 == 7
  x4 = texelFetch(u_x4, flatTexel(texelSource(base >> 2, u_offset4, u_strides4), rowShift(u_x4)), 0);
#else
  x4 = gather(u_x4, u_offset4, u_strides4, base);
#endif
#endif
#if NUM_INPUTS > 5
#if MODE5 == 0
  x5 = sameTexel(u_x5);
#elif MODE5 == 2
  x5 = vec4(texelFetch(u_x5, ivec2(0, 0), 0).r);
#elif MODE5 == 3
  x5 = rowBroadcast(u_x5, u_inner5, base);
#elif MODE5 == 4
  x5 = columnBroadcast(u_x5, u_inner5, base);
#elif MODE5 == 5
  x5 = columnTexel(u_x5, u_inner5, base);
#elif MODE5 == 13
  x5 = vec4(u_value5);
#elif MODE5 == 10
  x5 = rowSoftmax(u_x5, u_inner5, base, true);
#elif MODE5 == 11
  x5 = rowSoftmax(u_x5, u_inner5, base, false);
#elif MODE5 == 12
  x5 = rowSumTexels(u_x5, u_inner5, u_length5, base);
#elif MODE5 == 14
  x5 = rowSumValues(u_x5, u_inner5, u_length5, base);
#elif MODE5 == 7
  x5 = texelFetch(u_x5, flatTexel(texelSource(base >> 2, u_offset5, u_strides5), rowShift(u_x5)), 0);
#else
  x5 = gather(u_x5, u_offset5, u_strides5, base);
#endif
#endif
#ifdef BODY
  // Row k: result k of the texel's four values.
  mat4 y = transpose(mat4(apply(x0.x, x1.x, x2.x, x3.x, x4.x, x5.x), apply(x0.y, x1.y, x2.y, x3.y, x4.y, x5.y),
                          apply(x0.z, x1.z, x2.z, x3.z, x4.z, x5.z), apply(x0.w, x1.w, x2.w, x3.w, x4.w, x5.w)));
  outColor = y[0];
#if NUM_OUTPUTS > 1
  outColor1 = y[1];
#endif
#if NUM_OUTPUTS > 2
  outColor2 = y[2];
#endif
#if NUM_OUTPUTS > 3
  outColor3 = y[3];
#endif
#else
  outColor = vec4(apply(x0.x, x1.x, x2.x, x3.x, x4.x, x5.x), apply(x0.y, x1.y, x2.y, x3.y, x4.y, x5.y),
                  apply(x0.z, x1.z, x2.z, x3.z, x4.z, x5.z), apply(x0.w, x1.w, x2.w, x3.w, x4.w, x5.w));
#endif
}
