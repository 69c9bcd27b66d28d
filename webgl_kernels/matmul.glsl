// matmul: out[b, i, j] = sum_k A[b, i, k] * B[b, k, j] for small products
// (larger ones go through pack + matmul_packed + unpack), four output values per texel.
// A is [.., M, K] (or [.., K, M] with u_transposeA), B is [.., K, N] (or [.., N, K]).
// Batch dimensions broadcast: the output batch index is split into up to 4
// coordinates and mapped to A's and B's matrix offsets by strides (0 along
// broadcast axes). Define BATCHED when there is more than one matrix (else the offsets are 0);
// ROW_TEXELS for one matrix with N % 4 == 0 and B as stored, or transposed with K = 1 (a texel
// of B per step).
// small_product.glsl (included before this file) does the products' reads.
// Uniforms: u_size, u_outWidth, u_M, u_N, u_K, u_batchShape[4] (left-padded with 1s),
//           u_a/u_b (textures), u_widthA/u_widthB, u_batchStridesA[4]/u_batchStridesB[4]
//           (in values), u_transposeA/u_transposeB (0 or 1).
// Output layout: [batch..., M, N], four values per texel, row-major flat.

uniform int u_size;
uniform int u_outWidth;
uniform int u_M;
uniform int u_N;
uniform int u_K;
uniform int u_batchShape[4];
uniform sampler2D u_a;
uniform sampler2D u_b;
uniform int u_widthA;
uniform int u_widthB;
uniform int u_batchStridesA[4];
uniform int u_batchStridesB[4];
uniform int u_transposeA;
uniform int u_transposeB;

#ifdef ROW_TEXELS
// One matrix, N % 4 == 0, B as stored: small_product.glsl's rowProductTexel.
void main() {
  int t = outTexel(u_outWidth);
  outColor = quotient(t, u_N >> 2) < u_M ? rowProductTexel(u_a, u_b, t, u_M, u_N, u_K, u_transposeA) : vec4(0.0);
}
#else
float dot1(int o) {
  int mn = u_M * u_N;
  int batch = quotient(o, mn);
  int ij = o - batch * mn;
  int i = quotient(ij, u_N);
  int j = ij - i * u_N;
  int a = 0;
  int b = 0;
#ifdef BATCHED
  // NOTE: written out, so the uniform arrays' indices are constants (see pack.glsl).
#define BATCH_AXIS(d) { int q = quotient(batch, u_batchShape[d]); int c = batch - q * u_batchShape[d]; \
    batch = q; a += c * u_batchStridesA[d]; b += c * u_batchStridesB[d]; }
  BATCH_AXIS(3) BATCH_AXIS(2) BATCH_AXIS(1) BATCH_AXIS(0)
#endif
  a += u_transposeA == 1 ? i : i * u_K;
  b += u_transposeB == 1 ? j * u_K : j;
  return productDot(u_a, u_b, a, b, u_transposeA == 1 ? u_M : 1, u_transposeB == 1 ? 1 : u_N, u_K);
}

void main() {
  int base = 4 * outTexel(u_outWidth);
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    if (base + k < u_size) v[k] = dot1(base + k);
  }
  outColor = v;
}
#endif
