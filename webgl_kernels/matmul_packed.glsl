// matmul_packed: a ROWS x 4 block of the product per fragment (ROWS = 4, or 8 where the GPU
// has 8 draw buffers), written to ROWS render targets: target r, texel (jj, y) holds
//   out[b, ROWS * ii + r, 4jj..4jj+3] = sum_k A[b, ROWS * ii + r, k] * B[b, k, 4jj..4jj+3]
// where y = b * u_rowGroups + ii. Inputs come from pack.glsl:
//   u_a: RGBA32F, texel (kk, b * ROWS * u_rowGroups + i) = A[b, i, 4kk..4kk+3]
//        (M padded to ROWS * u_rowGroups rows and K to u_kPadded columns, with 0s)
//   u_b: RGBA32F, texel (jj, b * u_kPadded + k) = B[b, k, 4jj..4jj+3]  (rows past K are 0)
// NOTE: on SwiftShader the cost is mostly texel fetches: each step here reads
// 4 texels of A and 4 of B for 64 multiply-adds (one row per fragment needed
// 5 reads for 16), and a quarter as many fragments run. With ROWS 8 a step reads 12 texels for
// 128 multiply-adds: a third fewer reads per product.
// Uniforms: u_a, u_b, u_rowGroups (ceil(M / ROWS)), u_kGroups (ceil(K / 4)), u_kPadded (4 * u_kGroups).
// Output layout: ROWS RGBA32F targets, ceil(N / 4) x (batches * u_rowGroups) each;
// unpack.glsl (with the same ROWS) flattens them.

#ifndef ROWS
#define ROWS 4
#endif

uniform sampler2D u_a;
uniform sampler2D u_b;
uniform int u_rowGroups;
uniform int u_kGroups;
uniform int u_kPadded;

layout(location = 1) out vec4 outColor1;
layout(location = 2) out vec4 outColor2;
layout(location = 3) out vec4 outColor3;
#if ROWS == 8
layout(location = 4) out vec4 outColor4;
layout(location = 5) out vec4 outColor5;
layout(location = 6) out vec4 outColor6;
layout(location = 7) out vec4 outColor7;
#endif

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  int aRow = ROWS * texel.y;  // = b * ROWS * u_rowGroups + ROWS * ii
  int bRow = (texel.y / u_rowGroups) * u_kPadded;
  vec4 acc0 = vec4(0.0);
  vec4 acc1 = vec4(0.0);
  vec4 acc2 = vec4(0.0);
  vec4 acc3 = vec4(0.0);
#if ROWS == 8
  vec4 acc4 = vec4(0.0);
  vec4 acc5 = vec4(0.0);
  vec4 acc6 = vec4(0.0);
  vec4 acc7 = vec4(0.0);
#endif
  for (int kk = 0; kk < u_kGroups; ++kk) {
    int k = bRow + 4 * kk;
    // Columns of this matrix are B's rows k .. k+3, so b * a = sum_t a[t] * B[k + t, 4jj..4jj+3].
    mat4 b = mat4(texelFetch(u_b, ivec2(texel.x, k), 0), texelFetch(u_b, ivec2(texel.x, k + 1), 0),
                  texelFetch(u_b, ivec2(texel.x, k + 2), 0), texelFetch(u_b, ivec2(texel.x, k + 3), 0));
    acc0 += b * texelFetch(u_a, ivec2(kk, aRow), 0);
    acc1 += b * texelFetch(u_a, ivec2(kk, aRow + 1), 0);
    acc2 += b * texelFetch(u_a, ivec2(kk, aRow + 2), 0);
    acc3 += b * texelFetch(u_a, ivec2(kk, aRow + 3), 0);
#if ROWS == 8
    acc4 += b * texelFetch(u_a, ivec2(kk, aRow + 4), 0);
    acc5 += b * texelFetch(u_a, ivec2(kk, aRow + 5), 0);
    acc6 += b * texelFetch(u_a, ivec2(kk, aRow + 6), 0);
    acc7 += b * texelFetch(u_a, ivec2(kk, aRow + 7), 0);
#endif
  }
  outColor = acc0;
  outColor1 = acc1;
  outColor2 = acc2;
  outColor3 = acc3;
#if ROWS == 8
  outColor4 = acc4;
  outColor5 = acc5;
  outColor6 = acc6;
  outColor7 = acc7;
#endif
}
