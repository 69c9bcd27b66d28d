// matmul: out[b, i, j] = sum_k A[b, i, k] * B[b, k, j], one output value per texel.
// A is [.., M, K] (or [.., K, M] with TRANSPOSE_A), B is [.., K, N] (or [.., N, K]).
// Batch dimensions broadcast: the output batch index is split into up to
// MAX_RANK - 2 coordinates and mapped to A's and B's matrix offsets by strides
// (0 along broadcast axes).
// Uniforms: u_size, u_outWidth, u_M, u_N, u_K, u_batchShape[4] (left-padded with 1s),
//           u_a/u_b (textures), u_widthA/u_widthB, u_batchStridesA[4]/u_batchStridesB[4]
//           (in elements), u_transposeA/u_transposeB (0 or 1).
// Reads walk texel coordinates incrementally (no division per element).
// Output layout: row-major [batch..., M, N], one value per texel.

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

ivec2 at(int index, int width) { return ivec2(index % width, index / width); }

void main() {
  int o = outIndex(u_outWidth);
  if (o >= u_size) { setOutput(0.0); return; }
  int mn = u_M * u_N;
  int batch = o / mn;
  int ij = o - batch * mn;
  int i = ij / u_N;
  int j = ij - i * u_N;
  int offA = 0;
  int offB = 0;
  for (int d = 3; d >= 0; --d) {
    int c = batch % u_batchShape[d];
    batch /= u_batchShape[d];
    offA += c * u_batchStridesA[d];
    offB += c * u_batchStridesB[d];
  }
  // Start and step of the walk along k, in flat elements.
  int startA = offA + (u_transposeA == 1 ? i : i * u_K);
  int stepA = u_transposeA == 1 ? u_M : 1;
  int startB = offB + (u_transposeB == 1 ? j * u_K : j);
  int stepB = u_transposeB == 1 ? 1 : u_N;
  ivec2 pa = at(startA, u_widthA);
  ivec2 pb = at(startB, u_widthB);
  ivec2 da = at(stepA, u_widthA);
  ivec2 db = at(stepB, u_widthB);
  float acc = 0.0;
  for (int k = 0; k < u_K; ++k) {
    acc += texelFetch(u_a, pa, 0).r * texelFetch(u_b, pb, 0).r;
    pa += da;
    if (pa.x >= u_widthA) { pa.x -= u_widthA; pa.y += 1; }
    pb += db;
    if (pb.x >= u_widthB) { pb.x -= u_widthB; pb.y += 1; }
  }
  setOutput(acc);
}
