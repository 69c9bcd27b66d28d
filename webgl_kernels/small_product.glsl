// small_product: values of a product computed where they are needed, by matmul.glsl (small
// products) and by elementwise.glsl when its input 0 is a small product (MODE0 8 and 9: computed
// in that pass, no pass of its own).
//   rowProductTexel: four values out[i, 4jj..4jj+3] = sum_k A[i, k] * B[k, 4jj..4jj+3] for one
//     matrix with N % 4 == 0 and B as stored ([K, N]; a transposed B with K = 1 is one too): each k
//     reads one value of A and B's row k at those columns as one texel (a walk down B).
//   productDot: one value, sum_k A[a + k * stepA] * B[b + k * stepB] (any layout; two reads a step).
// NOTE: productDot reads two texels per multiply-add: 32x13 @ 13x64 took 0.67 ms with it, 0.31 ms
// with rowProductTexel.

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

float productDot(sampler2D a, sampler2D b, int at, int bt, int stepA, int stepB, int K) {
  int shiftA = rowShift(a), shiftB = rowShift(b);
  float acc = 0.0;
  for (int k = 0; k < K; ++k) {
    acc += valueAt(a, shiftA, at) * valueAt(b, shiftB, bt);
    at += stepA;
    bt += stepB;
  }
  return acc;
}

// Value o of one M x N product (no batch), A [M, K] or [K, M] (transposeA), B [K, N] or [N, K].
float productValue(sampler2D a, sampler2D b, int o, int M, int N, int K, int transposeA, int transposeB) {
  int i = quotient(o, N);
  int j = o - i * N;
  return productDot(a, b, transposeA == 1 ? i : i * K, transposeB == 1 ? j * K : j,
                    transposeA == 1 ? M : 1, transposeB == 1 ? 1 : N, K);
}
