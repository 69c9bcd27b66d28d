// prelude: shared by every kernel (the runtime puts `#version 300 es` and the
// kernel's #defines above it).
// Layout: a tensor of n values is a 2D R32F texture, one value per texel, in
// row-major flat order: value i sits at texel (i % width, i / width). int32
// and bool tensors are held as floats (exact for |i| < 2^24; bool is 0 or 1).
// Output: every kernel writes one value per texel of its output texture, the
// texel's flat index is outIndex(); texels past the tensor's size are padding.
precision highp float;
precision highp int;
precision highp sampler2D;

layout(location = 0) out vec4 outColor;

#define NAN uintBitsToFloat(0x7fc00000u)
#define INF uintBitsToFloat(0x7f800000u)
#define MAX_RANK 6

int outIndex(int width) {
  return int(gl_FragCoord.y) * width + int(gl_FragCoord.x);
}

float fetch(sampler2D t, int width, int i) {
  return texelFetch(t, ivec2(i % width, i / width), 0).r;
}

void setOutput(float v) {
  outColor = vec4(v, 0.0, 0.0, 0.0);
}
