// row_product: four values of a small product, out[i, 4jj..4jj+3] = sum_k A[i, k] * B[k, 4jj..4jj+3],
// for one matrix with N % 4 == 0 and B as stored ([K, N]; a transposed B with K = 1 is one too):
// each k reads one value of A and B's row k at those columns as one texel (a walk down B).
// Included by matmul.glsl (ROW_TEXELS) and by elementwise.glsl when its input 0 is such a product
// (MODE0 8: computed in that pass, no pass of its own).
// NOTE: the per-value kernel (matmul.glsl without ROW_TEXELS) reads two texels per multiply-add;
// 32x13 @ 13x64 took 0.67 ms with it, 0.31 ms with this.

// Output texel t of the product (t = i * N / 4 + jj), A [M, K] (or [K, M] with transposeA = 1).
vec4 rowProductTexel(sampler2D a, sampler2D b, int t, int M, int N, int K, int transposeA) {
  int cols4 = N >> 2;
  int i = quotient(t, cols4);
  Flat fb = flatOf(b);
  Walk column = walkFrom(fb, t - i * cols4);
  float down = float(cols4) * fb.scale.x;  // one row of B
  int shiftA = rowShift(a);
  int at = transposeA == 1 ? i : i * K;
  int stepA = transposeA == 1 ? M : 1;
  vec4 acc = vec4(0.0);
  for (int k = 0; k < K; ++k) {
    acc += valueAt(a, shiftA, at) * walkNext(b, fb, column, down);
    at += stepA;
  }
  return acc;
}
