// elementwise: out[i] = EXPR(x0, x1, x2), one output value per texel.
// Inputs are read with arbitrary strides, so this one kernel also does
// broadcasting, transpose, broadcast_to and (with an offset) slicing.
// Defines: NUM_INPUTS (1..3); EXPR, an expression over x0..x2 built from ops.glsl.
// Uniforms:
//   u_size, u_outWidth         output element count and texture width
//   u_outShape[MAX_RANK]       output shape, left-padded with 1s
//   u_anyStrided               1 if any input is strided
//   u_x<k>                     input k's texture, u_width<k> its width
//   u_strided<k>               0: read input k at the output's flat index
//                              (same shape); 1: read it at u_offset<k> +
//                              sum(coord[d] * u_strides<k>[d]) (0 strides broadcast);
//                              2: input k is a single value (a scalar operand)
// Output layout: row-major flat, value i at texel (i % u_outWidth, i / u_outWidth).

uniform int u_size;
uniform int u_outWidth;
uniform int u_outShape[MAX_RANK];
uniform int u_anyStrided;  // 1 if any input has mode 1; 0: skip the coordinate walk

uniform sampler2D u_x0;
uniform int u_width0;
uniform int u_strided0;
uniform int u_offset0;
uniform int u_strides0[MAX_RANK];
#if NUM_INPUTS > 1
uniform sampler2D u_x1;
uniform int u_width1;
uniform int u_strided1;
uniform int u_offset1;
uniform int u_strides1[MAX_RANK];
#endif
#if NUM_INPUTS > 2
uniform sampler2D u_x2;
uniform int u_width2;
uniform int u_strided2;
uniform int u_offset2;
uniform int u_strides2[MAX_RANK];
#endif

float read(sampler2D x, int width, int mode, int j, ivec2 here) {
  if (mode == 0) return texelFetch(x, here, 0).r;
  if (mode == 2) return texelFetch(x, ivec2(0, 0), 0).r;
  return fetch(x, width, j);
}

void main() {
  int i = outIndex(u_outWidth);
  if (i >= u_size) { setOutput(0.0); return; }
  int j0 = u_offset0;
#if NUM_INPUTS > 1
  int j1 = u_offset1;
#endif
#if NUM_INPUTS > 2
  int j2 = u_offset2;
#endif
  int rest = u_anyStrided == 1 ? i : 0;
  for (int d = MAX_RANK - 1; d >= 0 && rest > 0; --d) {
    int c = rest % u_outShape[d];
    rest /= u_outShape[d];
    j0 += c * u_strides0[d];
#if NUM_INPUTS > 1
    j1 += c * u_strides1[d];
#endif
#if NUM_INPUTS > 2
    j2 += c * u_strides2[d];
#endif
  }
  // NOTE: a same-shape input has the output's texture layout, so it is read at
  // this very texel: no integer division, which SwiftShader makes expensive.
  ivec2 here = ivec2(gl_FragCoord.xy);
  float x0 = read(u_x0, u_width0, u_strided0, j0, here);
#if NUM_INPUTS > 1
  float x1 = read(u_x1, u_width1, u_strided1, j1, here);
#else
  float x1 = 0.0;
#endif
#if NUM_INPUTS > 2
  float x2 = read(u_x2, u_width2, u_strided2, j2, here);
#else
  float x2 = 0.0;
#endif
  setOutput(EXPR);
}
