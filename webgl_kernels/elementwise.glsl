// elementwise: out[i] = EXPR(x0, x1, x2), four output values per texel.
// Inputs are read with arbitrary strides, so this one kernel also does
// broadcasting, transpose, broadcast_to and (with an offset) slicing.
// Defines: NUM_INPUTS (1..3); EXPR, an expression over x0..x2 built from ops.glsl;
//   MODE<k> for each input (a define, not a uniform: SwiftShader evaluates both
//   sides of a uniform branch, and the strided path is the expensive one):
//   0: input k has the output's shape: read the same texel;
//   1: read value u_offset<k> + sum(coord[d] * u_strides<k>[d]) (0 strides broadcast);
//   2: input k is a single value;
//   3: row broadcast, value i / u_inner<k> (an [outer, 1] operand: keepdims reductions);
//   4: column broadcast, value i % u_inner<k> (an [inner] operand: a bias);
//   5: column broadcast with u_inner<k> % 4 == 0: whole texels, no per-value index.
// Modes 3-5 need no coordinate walk, so the common broadcasts stay cheap.
// Uniforms:
//   u_size, u_outWidth         output value count and texture width (texels)
//   u_outShape[MAX_RANK]       output shape, left-padded with 1s
//   u_x<k>                     input k's texture, u_width<k> its width
//   u_offset<k>, u_strides<k>  where a mode-1 input reads (see MODE<k>)
//   u_inner<k>                 the broadcast period of a mode 3-5 input
// Output layout: four values per texel, row-major flat (see prelude.glsl).

uniform int u_size;
uniform int u_outWidth;
uniform int u_outShape[MAX_RANK];

uniform sampler2D u_x0;
uniform int u_width0;
uniform int u_offset0;
uniform int u_strides0[MAX_RANK];
uniform int u_inner0;
#if NUM_INPUTS > 1
uniform sampler2D u_x1;
uniform int u_width1;
uniform int u_offset1;
uniform int u_strides1[MAX_RANK];
uniform int u_inner1;
#endif
#if NUM_INPUTS > 2
uniform sampler2D u_x2;
uniform int u_width2;
uniform int u_offset2;
uniform int u_strides2[MAX_RANK];
uniform int u_inner2;
#endif

float apply(float x0, float x1, float x2) {
  return EXPR;
}

// Input value index for output value i, given an input's offset and strides.
int sourceIndex(int i, int offset, int strides[MAX_RANK]) {
  int j = offset;
  for (int d = MAX_RANK - 1; d >= 0 && i > 0; --d) {
    int q = quotient(i, u_outShape[d]);
    j += (i - q * u_outShape[d]) * strides[d];
    i = q;
  }
  return j;
}

// Four values of an input read with strides (mode 1): one index walk per value.
vec4 gather(sampler2D x, int width, int offset, int strides[MAX_RANK], int base) {
  vec4 v = vec4(0.0);
  for (int c = 0; c < 4; ++c) {
    if (base + c < u_size) v[c] = fetch(x, sourceIndex(base + c, offset, strides));
  }
  return v;
}

// Values i / inner for i = base .. base + 3: one or two distinct reads.
vec4 rowBroadcast(sampler2D x, int width, int inner, int base) {
  int j = quotient(base, inner);
  int r = base - j * inner;
  float value = fetch(x, j);
  vec4 v;
  for (int c = 0; c < 4; ++c) {
    v[c] = value;
    if (++r == inner && base + c + 1 < u_size) { r = 0; value = fetch(x, ++j); }
  }
  return v;
}

// Values i % inner for i = base .. base + 3.
vec4 columnBroadcast(sampler2D x, int width, int inner, int base) {
  int j = base - quotient(base, inner) * inner;
  vec4 v;
  for (int c = 0; c < 4; ++c) {
    v[c] = fetch(x, j);
    if (++j == inner) j = 0;
  }
  return v;
}

void main() {
  int base = 4 * outTexel(u_outWidth);
  if (base >= u_size) { outColor = vec4(0.0); return; }
  ivec2 here = ivec2(gl_FragCoord.xy);
#if MODE0 == 0
  vec4 x0 = texelFetch(u_x0, here, 0);
#elif MODE0 == 2
  vec4 x0 = vec4(texelFetch(u_x0, ivec2(0, 0), 0).r);
#elif MODE0 == 3
  vec4 x0 = rowBroadcast(u_x0, u_width0, u_inner0, base);
#elif MODE0 == 4
  vec4 x0 = columnBroadcast(u_x0, u_width0, u_inner0, base);
#elif MODE0 == 5
  vec4 x0 = texelFetch(u_x0, flatTexel((base - quotient(base, u_inner0) * u_inner0) >> 2), 0);
#else
  vec4 x0 = gather(u_x0, u_width0, u_offset0, u_strides0, base);
#endif
#if NUM_INPUTS > 1
#if MODE1 == 0
  vec4 x1 = texelFetch(u_x1, here, 0);
#elif MODE1 == 2
  vec4 x1 = vec4(texelFetch(u_x1, ivec2(0, 0), 0).r);
#elif MODE1 == 3
  vec4 x1 = rowBroadcast(u_x1, u_width1, u_inner1, base);
#elif MODE1 == 4
  vec4 x1 = columnBroadcast(u_x1, u_width1, u_inner1, base);
#elif MODE1 == 5
  vec4 x1 = texelFetch(u_x1, flatTexel((base - quotient(base, u_inner1) * u_inner1) >> 2), 0);
#else
  vec4 x1 = gather(u_x1, u_width1, u_offset1, u_strides1, base);
#endif
#else
  vec4 x1 = vec4(0.0);
#endif
#if NUM_INPUTS > 2
#if MODE2 == 0
  vec4 x2 = texelFetch(u_x2, here, 0);
#elif MODE2 == 2
  vec4 x2 = vec4(texelFetch(u_x2, ivec2(0, 0), 0).r);
#elif MODE2 == 3
  vec4 x2 = rowBroadcast(u_x2, u_width2, u_inner2, base);
#elif MODE2 == 4
  vec4 x2 = columnBroadcast(u_x2, u_width2, u_inner2, base);
#elif MODE2 == 5
  vec4 x2 = texelFetch(u_x2, flatTexel((base - quotient(base, u_inner2) * u_inner2) >> 2), 0);
#else
  vec4 x2 = gather(u_x2, u_width2, u_offset2, u_strides2, base);
#endif
#else
  vec4 x2 = vec4(0.0);
#endif
  outColor = vec4(apply(x0.x, x1.x, x2.x), apply(x0.y, x1.y, x2.y),
                  apply(x0.z, x1.z, x2.z), apply(x0.w, x1.w, x2.w));
}
