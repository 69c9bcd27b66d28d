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
// Flat operands are read by walks (prelude's Walk): one per row of A (A_FLAT) or of W (B_FLAT_T),
// a texel on per k group; B's rows (B_FLAT) and X's (A_FLAT_T) are u_nGroups (u_mGroups) texels
// apart.
// Packed operands (pack.glsl's blocks) are read at ivec2(kk, row) and ivec2(jj, k).
// NOTE: on SwiftShader texture() costs less than texelFetch() (measured: 10.3 -> 8.6 ms for
// 128x784 @ 784x128, 11.5 -> 8.9 ms for its weight gradient); coordinates out of range clamp to
// the edge instead of reading 0, which only the rows past M do (never unpacked).
#define READ_A(p) texelRead(u_a, aFlat.scale, p)
#define READ_B(p) texelRead(u_b, bFlat.scale, p)

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
  float aOne = aFlat.scale.x;  // a walk's step of one texel
  float bOne = bFlat.scale.x;
#ifdef A_FLAT
  Walk a0 = walkFrom(aFlat, aRow * u_kGroups);
  Walk a1 = walkFrom(aFlat, (aRow + 1) * u_kGroups);
  Walk a2 = walkFrom(aFlat, (aRow + 2) * u_kGroups);
  Walk a3 = walkFrom(aFlat, (aRow + 3) * u_kGroups);
#if ROWS == 8
  Walk a4 = walkFrom(aFlat, (aRow + 4) * u_kGroups);
  Walk a5 = walkFrom(aFlat, (aRow + 5) * u_kGroups);
  Walk a6 = walkFrom(aFlat, (aRow + 6) * u_kGroups);
  Walk a7 = walkFrom(aFlat, (aRow + 7) * u_kGroups);
#endif
#elif defined(A_FLAT_T)
  // X's rows k .. k + 3 at the texels of columns aRow .. aRow + 3 (and aRow + 4 .. aRow + 7).
  Walk x0 = walkFrom(aFlat, aRow >> 2);
  Walk x1 = walkFrom(aFlat, (aRow >> 2) + 1);
  float xStep = float(u_mGroups) * aOne;
#endif
#ifdef B_FLAT
  Walk bw = walkFrom(bFlat, texel.x);
  float bStep = float(u_nGroups) * bOne;
#elif defined(B_FLAT_T)
  // W's rows 4jj .. 4jj + 3.
  Walk w0 = walkFrom(bFlat, 4 * texel.x * u_kGroups);
  Walk w1 = walkFrom(bFlat, (4 * texel.x + 1) * u_kGroups);
  Walk w2 = walkFrom(bFlat, (4 * texel.x + 2) * u_kGroups);
  Walk w3 = walkFrom(bFlat, (4 * texel.x + 3) * u_kGroups);
#endif
  for (int kk = 0; kk < u_kGroups; ++kk) {
    int k = bRow + 4 * kk;
    // Columns of this matrix are B's rows k .. k+3, so b * a = sum_t a[t] * B[k + t, 4jj..4jj+3].
#ifdef B_FLAT_T
    // Four texels of W (rows 4jj .. 4jj + 3, columns k .. k + 3) are this block transposed.
    mat4 b = transpose(mat4(walkNext(u_b, bFlat, w0, bOne), walkNext(u_b, bFlat, w1, bOne),
                            walkNext(u_b, bFlat, w2, bOne), walkNext(u_b, bFlat, w3, bOne)));
#elif defined(B_FLAT)
    mat4 b;
    b[0] = walkNext(u_b, bFlat, bw, bStep);
    b[1] = walkNext(u_b, bFlat, bw, bStep);
    b[2] = walkNext(u_b, bFlat, bw, bStep);
    b[3] = walkNext(u_b, bFlat, bw, bStep);
#else
    mat4 b = mat4(READ_B(ivec2(texel.x, k)), READ_B(ivec2(texel.x, k + 1)),
                  READ_B(ivec2(texel.x, k + 2)), READ_B(ivec2(texel.x, k + 3)));
#endif
#ifdef A_FLAT_T
    // a[r] = A[aRow + r, k .. k + 3]: X's rows k .. k + 3 at columns aRow .. aRow + 3, transposed.
    mat4 x = mat4(walkNext(u_a, aFlat, x0, xStep), walkNext(u_a, aFlat, x0, xStep),
                  walkNext(u_a, aFlat, x0, xStep), walkNext(u_a, aFlat, x0, xStep));
    mat4 a = transpose(x);
    acc0 += b * a[0];
    acc1 += b * a[1];
    acc2 += b * a[2];
    acc3 += b * a[3];
#if ROWS == 8
    x = mat4(walkNext(u_a, aFlat, x1, xStep), walkNext(u_a, aFlat, x1, xStep),
             walkNext(u_a, aFlat, x1, xStep), walkNext(u_a, aFlat, x1, xStep));
    a = transpose(x);
    acc4 += b * a[0];
    acc5 += b * a[1];
    acc6 += b * a[2];
    acc7 += b * a[3];
#endif
#elif defined(A_FLAT)
    acc0 += b * walkNext(u_a, aFlat, a0, aOne);
    acc1 += b * walkNext(u_a, aFlat, a1, aOne);
    acc2 += b * walkNext(u_a, aFlat, a2, aOne);
    acc3 += b * walkNext(u_a, aFlat, a3, aOne);
#if ROWS == 8
    acc4 += b * walkNext(u_a, aFlat, a4, aOne);
    acc5 += b * walkNext(u_a, aFlat, a5, aOne);
    acc6 += b * walkNext(u_a, aFlat, a6, aOne);
    acc7 += b * walkNext(u_a, aFlat, a7, aOne);
#endif
#else
    acc0 += b * READ_A(ivec2(kk, aRow));
    acc1 += b * READ_A(ivec2(kk, aRow + 1));
    acc2 += b * READ_A(ivec2(kk, aRow + 2));
    acc3 += b * READ_A(ivec2(kk, aRow + 3));
#if ROWS == 8
    acc4 += b * READ_A(ivec2(kk, aRow + 4));
    acc5 += b * READ_A(ivec2(kk, aRow + 5));
    acc6 += b * READ_A(ivec2(kk, aRow + 6));
    acc7 += b * READ_A(ivec2(kk, aRow + 7));
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
