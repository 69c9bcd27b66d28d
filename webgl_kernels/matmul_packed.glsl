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
// Uniforms: u_a, u_b, u_rowGroups (ceil(M / ROWS)), u_K, u_kPadded (4 * ceil(K / 4)), u_N, u_M.
// Output layout: ROWS RGBA32F targets, ceil(N / 4) x (batches * u_rowGroups) each;
// unpack.glsl (with the same ROWS) flattens them.

#ifndef ROWS
#define ROWS 4
#endif
// Define A_FLAT (B_FLAT): the operand is read from its own texture instead of a packed copy (one
// matrix, not transposed). A_FLAT_T (B_FLAT_T): the operand is the transpose of a flat matrix
// (A = X^T, X [K, M] with M % 4 == 0; B = W^T, W [N, K]): four texels of X (W) are a 4 x 4 block of
// A (B) transposed. Rows of A past M (columns of B past N) read whatever follows; their products
// are never unpacked.
// Flat operands are read by walks (prelude's Walk): one per row of A (A_FLAT) or of W (B_FLAT_T),
// a texel on per k group; B's rows (B_FLAT) and X's (A_FLAT_T) are u_N / 4 (u_M / 4) texels
// apart.
// Where K % 4 != 0 (define K_MOD = K % 4), a row of A (W) starts (r * K) % 4 values into a texel:
// a constant for each of a block's rows, since blocks start on multiples of 4 rows, so each row is
// read as prelude's Row (one texel a group, shifted), and the last, partial group keeps its first
// K_MOD values (the rest are the next row's) and reads only K_MOD rows of B (X). Where N % 4 != 0
// (define N_MOD = N % 4), B_FLAT's rows start (k * N) % 4 values into a texel: two texels each.
// Define UNROLL (2 or 4): that many k groups a loop turn (see the loop).
// Packed operands (pack.glsl's blocks) are read at ivec2(kk, row) and ivec2(jj, k); they are 0
// past K.
// NOTE: on SwiftShader texture() costs less than texelFetch() (measured: 10.3 -> 8.6 ms for
// 128x784 @ 784x128, 11.5 -> 8.9 ms for its weight gradient); coordinates out of range clamp to
// the edge instead of reading 0, which only the rows past M do (never unpacked).
// NOTE: packing a narrow operand took a draw of its own, and the draws, more than their values,
// made a 10-class layer's three products cost 0.5-0.9 ms each (MNIST MLP, batch 128).
#define READ_A(p) texelRead(u_a, aFlat.scale, p)
#define READ_B(p) texelRead(u_b, bFlat.scale, p)

#ifndef K_MOD
#define K_MOD 0
#endif
#ifndef N_MOD
#define N_MOD 0
#endif
// Where row r of a block (of A, or of W for B_FLAT_T) starts in its texel; where B_FLAT's row t
// of a group does.
#define K_SHIFT(r) (((r) * K_MOD) & 3)
#define N_SHIFT(t) (((t) * N_MOD) & 3)
// A group's four values of a row, all of them, or (a partial group) its first COUNT.
#define MASKED(v, COUNT) ((COUNT) >= 4 ? (v) : firstValues((v), (COUNT)))

uniform sampler2D u_a;
uniform sampler2D u_b;
uniform int u_rowGroups;
uniform int u_K;
uniform int u_kPadded;
uniform int u_N;  // for B_FLAT
uniform int u_M;  // for A_FLAT_T

layout(location = 1) out vec4 outColor1;
layout(location = 2) out vec4 outColor2;
layout(location = 3) out vec4 outColor3;
#if ROWS == 8
layout(location = 4) out vec4 outColor4;
layout(location = 5) out vec4 outColor5;
layout(location = 6) out vec4 outColor6;
layout(location = 7) out vec4 outColor7;
#endif

// B_FLAT's row 4kk + t at columns 4jj .. 4jj + 3 (N_MOD != 0: the walk is at its first texel,
// stepping a group (N texels) on).
vec4 bRowAt(inout Walk w, Flat f, float step, int shift) {
  if (shift == 0) return walkNext(u_b, f, w, step);
  Walk next = w;
  vec4 lo = walkNext(u_b, f, next, f.scale.x);
  vec4 hi = walkNext(u_b, f, next, 0.0);
  walkOn(w, step);
  return shifted(lo, hi, shift);
}

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
  Row a0 = rowFrom(u_a, aFlat, aRow * u_K, K_SHIFT(0));
  Row a1 = rowFrom(u_a, aFlat, (aRow + 1) * u_K, K_SHIFT(1));
  Row a2 = rowFrom(u_a, aFlat, (aRow + 2) * u_K, K_SHIFT(2));
  Row a3 = rowFrom(u_a, aFlat, (aRow + 3) * u_K, K_SHIFT(3));
#if ROWS == 8
  Row a4 = rowFrom(u_a, aFlat, (aRow + 4) * u_K, K_SHIFT(4));
  Row a5 = rowFrom(u_a, aFlat, (aRow + 5) * u_K, K_SHIFT(5));
  Row a6 = rowFrom(u_a, aFlat, (aRow + 6) * u_K, K_SHIFT(6));
  Row a7 = rowFrom(u_a, aFlat, (aRow + 7) * u_K, K_SHIFT(7));
#endif
#elif defined(A_FLAT_T)
  // X's rows k .. k + 3 at the texels of columns aRow .. aRow + 3 (and aRow + 4 .. aRow + 7).
  Walk x0 = walkFrom(aFlat, aRow >> 2);
  Walk x1 = walkFrom(aFlat, (aRow >> 2) + 1);
  float xStep = float(u_M >> 2) * aOne;
#endif
#if defined(B_FLAT) && N_MOD == 0
  Walk bw = walkFrom(bFlat, texel.x);
  float bStep = float(u_N >> 2) * bOne;
#elif defined(B_FLAT)
  // Row t of each group at texel (t * N) / 4 + jj of the group's N texels.
  Walk bw0 = walkFrom(bFlat, texel.x);
  Walk bw1 = walkFrom(bFlat, (u_N >> 2) + texel.x);
  Walk bw2 = walkFrom(bFlat, ((2 * u_N) >> 2) + texel.x);
  Walk bw3 = walkFrom(bFlat, ((3 * u_N) >> 2) + texel.x);
  float bStep = float(u_N) * bOne;
#elif defined(B_FLAT_T)
  // W's rows 4jj .. 4jj + 3.
  Row w0 = rowFrom(u_b, bFlat, 4 * texel.x * u_K, K_SHIFT(0));
  Row w1 = rowFrom(u_b, bFlat, (4 * texel.x + 1) * u_K, K_SHIFT(1));
  Row w2 = rowFrom(u_b, bFlat, (4 * texel.x + 2) * u_K, K_SHIFT(2));
  Row w3 = rowFrom(u_b, bFlat, (4 * texel.x + 3) * u_K, K_SHIFT(3));
#endif

  // One group (kg, see GROUP): rows k .. k + 3 of B, the first COUNT of them where K ends in it.
#ifdef B_FLAT_T
  // Four texels of W (rows 4jj .. 4jj + 3, columns k .. k + 3) are this block transposed.
#define B_GROUP(COUNT) \
    mat4 b = transpose(mat4(MASKED(rowNext(u_b, bFlat, w0, K_SHIFT(0)), COUNT), \
                            MASKED(rowNext(u_b, bFlat, w1, K_SHIFT(1)), COUNT), \
                            MASKED(rowNext(u_b, bFlat, w2, K_SHIFT(2)), COUNT), \
                            MASKED(rowNext(u_b, bFlat, w3, K_SHIFT(3)), COUNT)));
#elif defined(B_FLAT) && N_MOD == 0
#define B_GROUP(COUNT) \
    mat4 b; \
    b[0] = walkNext(u_b, bFlat, bw, bStep); \
    b[1] = (COUNT) > 1 ? walkNext(u_b, bFlat, bw, bStep) : vec4(0.0); \
    b[2] = (COUNT) > 2 ? walkNext(u_b, bFlat, bw, bStep) : vec4(0.0); \
    b[3] = (COUNT) > 3 ? walkNext(u_b, bFlat, bw, bStep) : vec4(0.0);
#elif defined(B_FLAT)
#define B_GROUP(COUNT) \
    mat4 b; \
    b[0] = bRowAt(bw0, bFlat, bStep, N_SHIFT(0)); \
    b[1] = (COUNT) > 1 ? bRowAt(bw1, bFlat, bStep, N_SHIFT(1)) : vec4(0.0); \
    b[2] = (COUNT) > 2 ? bRowAt(bw2, bFlat, bStep, N_SHIFT(2)) : vec4(0.0); \
    b[3] = (COUNT) > 3 ? bRowAt(bw3, bFlat, bStep, N_SHIFT(3)) : vec4(0.0);
#else
#define B_GROUP(COUNT) \
    mat4 b = mat4(READ_B(ivec2(texel.x, k)), READ_B(ivec2(texel.x, k + 1)), \
                  READ_B(ivec2(texel.x, k + 2)), READ_B(ivec2(texel.x, k + 3)));
#endif

  // Then A's rows aRow .. aRow + ROWS - 1 at columns k .. k + 3, each times b into its accumulator.
#ifdef A_FLAT_T
  // a[r] = A[aRow + r, k .. k + 3]: X's rows k .. k + 3 at columns aRow .. aRow + 3, transposed.
#define X_ROWS(x, COUNT) mat4(walkNext(u_a, aFlat, x, xStep), \
    (COUNT) > 1 ? walkNext(u_a, aFlat, x, xStep) : vec4(0.0), \
    (COUNT) > 2 ? walkNext(u_a, aFlat, x, xStep) : vec4(0.0), \
    (COUNT) > 3 ? walkNext(u_a, aFlat, x, xStep) : vec4(0.0))
#if ROWS == 8
#define A_MORE(COUNT) \
    a = transpose(X_ROWS(x1, COUNT)); \
    acc4 += b * a[0]; \
    acc5 += b * a[1]; \
    acc6 += b * a[2]; \
    acc7 += b * a[3];
#else
#define A_MORE(COUNT)
#endif
#define A_GROUP(COUNT) \
    mat4 a = transpose(X_ROWS(x0, COUNT)); \
    acc0 += b * a[0]; \
    acc1 += b * a[1]; \
    acc2 += b * a[2]; \
    acc3 += b * a[3]; \
    A_MORE(COUNT)
#else
#ifdef A_FLAT
#define A_VALUES(r, row, COUNT) MASKED(rowNext(u_a, aFlat, row, K_SHIFT(r)), COUNT)
#else
#define A_VALUES(r, row, COUNT) READ_A(ivec2(kg, aRow + r))
#endif
#if ROWS == 8
#define A_MORE(COUNT) \
    acc4 += b * A_VALUES(4, a4, COUNT); \
    acc5 += b * A_VALUES(5, a5, COUNT); \
    acc6 += b * A_VALUES(6, a6, COUNT); \
    acc7 += b * A_VALUES(7, a7, COUNT);
#else
#define A_MORE(COUNT)
#endif
#define A_GROUP(COUNT) \
    acc0 += b * A_VALUES(0, a0, COUNT); \
    acc1 += b * A_VALUES(1, a1, COUNT); \
    acc2 += b * A_VALUES(2, a2, COUNT); \
    acc3 += b * A_VALUES(3, a3, COUNT); \
    A_MORE(COUNT)
#endif

  // Group kg: B's rows k .. k + 3 (k = bRow + 4 kg) are the columns of b, so
  // b * a = sum_t a[t] * B[k + t, 4jj..4jj+3].
#define GROUP(g, COUNT) { int kg = (g); int k = bRow + 4 * kg; B_GROUP(COUNT) A_GROUP(COUNT) }
  // NOTE: UNROLL groups a turn (a define, 2 or 4): on SwiftShader each turn of a loop carries its
  // state (the accumulators, the walks) through a masked select per value, so fewer turns cost
  // less: 128x784 @ 784x128 5.8-6.0 -> 5.2-5.4 ms (4 a turn), its weight gradient (K = 128)
  // 5.7-6.0 -> 5.4-5.5 (2). Unrolled programs compile slower (that product's: about 370 ms with
  // 4 a turn, 250 with 2): runtime.warmUp readies the common ones while Python boots.
  int kk = 0;
#ifdef UNROLL
  for (; kk + UNROLL <= (u_K >> 2); kk += UNROLL) {
    GROUP(kk, 4)
    GROUP(kk + 1, 4)
#if UNROLL == 4
    GROUP(kk + 2, 4)
    GROUP(kk + 3, 4)
#endif
  }
#endif
  for (; kk < (u_K >> 2); ++kk) GROUP(kk, 4)
#if K_MOD != 0
  GROUP(kk, K_MOD)
#endif
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
