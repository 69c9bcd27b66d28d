// prelude: shared by every kernel (the runtime puts `#version 300 es` and the
// kernel's #defines above it).
// Layout: a tensor of n values is an RGBA32F texture holding four consecutive
// values per texel, in row-major flat order: value i is component i % 4 of
// texel t = i / 4, which sits at (t % width, t / width). int32 and bool
// tensors are held as floats (exact for |i| < 2^24; bool is 0 or 1).
// NOTE: four values per texel, because on SwiftShader the cost of a kernel
// is mostly per fragment: a 1M-value add over 1M one-value texels takes
// about 4x as long as over 256K four-value texels.
// Output: every kernel but pack/matmul_packed writes four values per texel;
// outTexel() is the texel's index, so it writes values 4t .. 4t + 3; values
// past the tensor's size are padding.
precision highp float;
precision highp int;
precision highp sampler2D;

layout(location = 0) out vec4 outColor;

#define NAN uintBitsToFloat(0x7fc00000u)
#define INF uintBitsToFloat(0x7f800000u)
#define MAX_RANK 6

int outTexel(int width) {
  return int(gl_FragCoord.y) * width + int(gl_FragCoord.x);
}

// Value i of a tensor whose texture is `width` texels wide.
float fetch(sampler2D t, int width, int i) {
  int p = i >> 2;
  return texelFetch(t, ivec2(p % width, p / width), 0)[i & 3];
}

// (n, row, column, channel) of flat index i in an NHWC tensor of `shape`.
ivec4 nhwcAt(int i, int shape[4]) {
  int c = i % shape[3];
  int p = i / shape[3];
  int w = p % shape[2];
  p /= shape[2];
  return ivec4(p / shape[1], p % shape[1], w, c);
}

// A walk over consecutive values without a division per step.
struct Cursor { ivec2 texel; int component; };

Cursor cursorAt(int i, int width) {
  int p = i >> 2;
  return Cursor(ivec2(p % width, p / width), i & 3);
}

float cursorRead(sampler2D t, Cursor c) {
  return texelFetch(t, c.texel, 0)[c.component];
}

Cursor cursorNext(Cursor c, int width) {
  c.component += 1;
  if (c.component == 4) {
    c.component = 0;
    c.texel.x += 1;
    if (c.texel.x == width) { c.texel.x = 0; c.texel.y += 1; }
  }
  return c;
}
