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
// Define A_FLAT (B_FLAT): the operand is read from its own texture instead of a packed copy, when
// its texels already are the blocks above (one matrix, not transposed, K and, for B, N multiples
// of 4): row i's texels follow each other in the flat layout. A_FLAT_T (B_FLAT_T): the operand is
// the transpose of a flat matrix (A = X^T, X [K, M] with M % 4 == 0; B = W^T, W [N, K]): four
// texels of X (W) are a 4 x 4 block of A (B) transposed. Rows of A past M read whatever follows;
// their products are never unpacked.
#ifdef A_FLAT
#define A_TEXEL(row, kk) flatTexel((row) * u_kGroups + (kk), aFlat.shift)
#else
#define A_TEXEL(row, kk) ivec2(kk, row)
#endif
#ifdef B_FLAT
#define B_TEXEL(k, jj) flatTexel((k) * u_nGroups + (jj), bFlat.shift)
#else
#define B_TEXEL(k, jj) ivec2(jj, k)
#endif
// Texel p of A (B) read through the sampler at its centre (prelude's texelRead).
// NOTE: on SwiftShader texture() costs less than texelFetch() (measured: 10.3 -> 8.6 ms for
// 128x784 @ 784x128, 11.5 -> 8.9 ms for its weight gradient); coordinates out of range clamp to
// the edge instead of reading 0, which only the rows past M do (never unpacked).
#define READ_A(p) texelRead(u_a, aFlat.scale, p)
#define READ_B(p) texelRead(u_b, bFlat.scale, p)
#define X_TEXEL(k, group) READ_A(flatTexel((k) * u_mGroups + (group), aFlat.shift))
#define W_TEXEL(n, kk) READ_B(flatTexel((n) * u_kGroups + (kk), bFlat.shift))

uniform sampler2D u_a;
uniform sampler2D u_b;
uniform int u_rowGroups;
uniform int u_kGroups;
uniform int u_kPadded;
uniform int u_nGroups;  // N / 4, for B_FLAT
uniform int u_mGroups;  // M / 4, for A_FLAT_T

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
  Flat aFlat = flatOf(u_a);  // the shifts serve the flat reads (A_FLAT and the others)
  Flat bFlat = flatOf(u_b);
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
#ifdef B_FLAT_T
    int n = 4 * texel.x;
    mat4 b = transpose(mat4(W_TEXEL(n, kk), W_TEXEL(n + 1, kk), W_TEXEL(n + 2, kk), W_TEXEL(n + 3, kk)));
#else
    mat4 b = mat4(READ_B(B_TEXEL(k, texel.x)), READ_B(B_TEXEL(k + 1, texel.x)),
                  READ_B(B_TEXEL(k + 2, texel.x)), READ_B(B_TEXEL(k + 3, texel.x)));
#endif
#ifdef A_FLAT_T
    // a[r] = A[aRow + r, k .. k + 3]: X's rows k .. k + 3 at columns aRow .. aRow + 3, transposed.
    int group = aRow >> 2;
    mat4 a = transpose(mat4(X_TEXEL(k, group), X_TEXEL(k + 1, group), X_TEXEL(k + 2, group), X_TEXEL(k + 3, group)));
    acc0 += b * a[0];
    acc1 += b * a[1];
    acc2 += b * a[2];
    acc3 += b * a[3];
#if ROWS == 8
    a = transpose(mat4(X_TEXEL(k, group + 1), X_TEXEL(k + 1, group + 1), X_TEXEL(k + 2, group + 1),
                       X_TEXEL(k + 3, group + 1)));
    acc4 += b * a[0];
    acc5 += b * a[1];
    acc6 += b * a[2];
    acc7 += b * a[3];
#endif
#else
    acc0 += b * READ_A(A_TEXEL(aRow, kk));
    acc1 += b * READ_A(A_TEXEL(aRow + 1, kk));
    acc2 += b * READ_A(A_TEXEL(aRow + 2, kk));
    acc3 += b * READ_A(A_TEXEL(aRow + 3, kk));
#if ROWS == 8
    acc4 += b * READ_A(A_TEXEL(aRow + 4, kk));
    acc5 += b * READ_A(A_TEXEL(aRow + 5, kk));
    acc6 += b * READ_A(A_TEXEL(aRow + 6, kk));
    acc7 += b * READ_A(A_TEXEL(aRow + 7, kk));
#endif
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
