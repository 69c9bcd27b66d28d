// matmul_packed: a 4 x 4 block of the product per fragment, written to four
// render targets: target r, texel (jj, y) holds
//   out[b, 4ii + r, 4jj..4jj+3] = sum_k A[b, 4ii + r, k] * B[b, k, 4jj..4jj+3]
// where y = b * u_rowGroups + ii. Inputs come from pack.glsl:
//   u_a: RGBA32F, texel (kk, b * 4 * u_rowGroups + i) = A[b, i, 4kk..4kk+3]
//        (M padded to 4 * u_rowGroups rows and K to u_kPadded columns, with 0s)
//   u_b: RGBA32F, texel (jj, b * u_kPadded + k) = B[b, k, 4jj..4jj+3]  (rows past K are 0)
// NOTE: on SwiftShader the cost is mostly texel fetches: each step here reads
// 4 texels of A and 4 of B for 64 multiply-adds (one row per fragment needed
// 5 reads for 16), and a quarter as many fragments run.
// Uniforms: u_a, u_b, u_rowGroups (ceil(M / 4)), u_kGroups (ceil(K / 4)), u_kPadded (4 * u_kGroups).
// Output layout: four RGBA32F targets, ceil(N / 4) x (batches * u_rowGroups) each;
// unpack.glsl flattens them.

uniform sampler2D u_a;
uniform sampler2D u_b;
uniform int u_rowGroups;
uniform int u_kGroups;
uniform int u_kPadded;

layout(location = 1) out vec4 outColor1;
layout(location = 2) out vec4 outColor2;
layout(location = 3) out vec4 outColor3;

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  int aRow = 4 * texel.y;  // = b * 4 * u_rowGroups + 4 * ii
  int bRow = (texel.y / u_rowGroups) * u_kPadded;
  vec4 acc0 = vec4(0.0);
  vec4 acc1 = vec4(0.0);
  vec4 acc2 = vec4(0.0);
  vec4 acc3 = vec4(0.0);
  for (int kk = 0; kk < u_kGroups; ++kk) {
    int k = bRow + 4 * kk;
    // Columns of this matrix are B's rows k .. k+3, so b * a = sum_t a[t] * B[k + t, 4jj..4jj+3].
    mat4 b = mat4(texelFetch(u_b, ivec2(texel.x, k), 0), texelFetch(u_b, ivec2(texel.x, k + 1), 0),
                  texelFetch(u_b, ivec2(texel.x, k + 2), 0), texelFetch(u_b, ivec2(texel.x, k + 3), 0));
    acc0 += b * texelFetch(u_a, ivec2(kk, aRow), 0);
    acc1 += b * texelFetch(u_a, ivec2(kk, aRow + 1), 0);
    acc2 += b * texelFetch(u_a, ivec2(kk, aRow + 2), 0);
    acc3 += b * texelFetch(u_a, ivec2(kk, aRow + 3), 0);
  }
  outColor = acc0;
  outColor1 = acc1;
  outColor2 = acc2;
  outColor3 = acc3;
}
