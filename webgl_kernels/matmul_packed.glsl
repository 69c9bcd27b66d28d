// matmul_packed: out[b, i, 4jj..4jj+3] = sum_k A[b, i, k] * B[b, k, 4jj..4jj+3],
// four output values per texel. Inputs come from pack.glsl:
//   u_a: RGBA32F, texel (kk, b * M + i) = A[b, i, 4kk..4kk+3]  (K padded with 0s)
//   u_b: RGBA32F, texel (jj, b * u_kPadded + k) = B[b, k, 4jj..4jj+3]  (rows past K are 0)
// Each step of the loop reads one texel of A and four of B for 16 multiply-adds,
// where the unpacked kernel (matmul.glsl) needs two reads per multiply-add.
// Uniforms: u_a, u_b, u_M, u_kGroups (ceil(K / 4)), u_kPadded (4 * u_kGroups).
// Output layout: RGBA32F, ceil(N / 4) x (batches * M); unpack.glsl flattens it.

uniform sampler2D u_a;
uniform sampler2D u_b;
uniform int u_M;
uniform int u_kGroups;
uniform int u_kPadded;

void main() {
  ivec2 texel = ivec2(gl_FragCoord.xy);
  int row = texel.y;
  int bRow = (row / u_M) * u_kPadded;
  vec4 acc = vec4(0.0);
  for (int kk = 0; kk < u_kGroups; ++kk) {
    vec4 a = texelFetch(u_a, ivec2(kk, row), 0);
    int k = bRow + 4 * kk;
    acc += a.x * texelFetch(u_b, ivec2(texel.x, k), 0);
    acc += a.y * texelFetch(u_b, ivec2(texel.x, k + 1), 0);
    acc += a.z * texelFetch(u_b, ivec2(texel.x, k + 2), 0);
    acc += a.w * texelFetch(u_b, ivec2(texel.x, k + 3), 0);
  }
  outColor = acc;
}
