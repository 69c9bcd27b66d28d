// prelude: shared by every kernel (the runtime puts `#version 300 es` and the
// kernel's #defines above it).
// Layout: a tensor of n values is an RGBA32F texture holding four consecutive
// values per texel, in row-major flat order: value i is component i % 4 of
// texel t = i / 4, which sits at (t % width, t / width); the width is a power of
// two, chosen by textures.js from n alone (see flatTexel). int32 and bool
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

// a / b for 0 <= a < 2^31, b > 0 (0 for b <= 0: size-0 shapes reach kernels too).
// NOTE: integer division is slow on SwiftShader (a scalar loop per lane). A float
// estimate is off by at most one below 2^24 and by up to a few hundred past it,
// where float(a) rounds; the remainder's own float quotient (small, so nearly
// exact) and one last step make it exact, without loops (a loop here, even one
// never entered, made pad 40% slower).
int quotient(int a, int b) {
  if (b <= 0) return 0;
  int q = int(float(a) / float(b));
  q += int(floor(float(a - q * b) / float(b)));
  int r = a - q * b;
  return q - int(r < 0) + int(r >= b);
}

// Where texel t of a flat tensor's texture sits, given the texture's rowShift. NOTE: textures.js
// makes a flat texture 2^shift texels wide (near square: SwiftShader shades 2x2 quads and splits
// a draw between threads by rows, so a one-row texture runs on one core at half speed), so this
// needs no division.
ivec2 flatTexel(int t, int shift) {
  return ivec2(t & ((1 << shift) - 1), t >> shift);
}

// log2 of a flat texture's width (a power of two): the exponent of its float (GLSL ES 3.00 has no
// findMSB).
int rowShift(sampler2D s) {
  return (floatBitsToInt(float(textureSize(s, 0).x)) >> 23) - 127;
}

vec2 texelScale(sampler2D s) {
  return 1.0 / vec2(textureSize(s, 0));
}

// What a kernel reading a flat tensor in a loop works out once: its texel scale and row shift.
struct Flat { vec2 scale; int shift; };

Flat flatOf(sampler2D s) {
  return Flat(texelScale(s), rowShift(s));
}

// Texel p (texelRead), or texel t of a flat tensor (flatRead), read through the sampler at the
// texel's centre; scale is texelScale(s). NOTE: on SwiftShader texture() costs less than
// texelFetch (matmul_packed: 15-25%): it has no bounds check, so a texel past the texture clamps
// to its edge where texelFetch reads 0. Textures have one level and NEAREST filtering both ways,
// so the level of detail (undefined in loops and branches) cannot change what is read.
vec4 texelRead(sampler2D s, vec2 scale, ivec2 p) {
  return texture(s, (vec2(p) + 0.5) * scale);
}

vec4 flatRead(sampler2D s, Flat f, int t) {
  return texelRead(s, f.scale, flatTexel(t, f.shift));
}

// A walk over a flat tensor's texels t, t + d, t + 2d, ... (a loop's reads) that steps on with
// float adds instead of working out each texel from its index: x is the texel's centre as a
// fraction of the width, exact because widths are powers of two (so x + d * scale.x is exact and
// its floor is the rows passed); row is the texel row, a whole number in a float.
// NOTE: on SwiftShader working out each texel from its index cost a fifth of matmul_packed's
// 128x784 @ 784x128 (8.0 ms with flatRead, 6.2 with walks, 6.3 with no address math at all).
struct Walk { float x; float row; };

Walk walkFrom(Flat f, int t) {
  return Walk((float(t & ((1 << f.shift) - 1)) + 0.5) * f.scale.x, float(t >> f.shift));
}

// Steps the walk on by dx = d * f.scale.x (d texels).
void walkOn(inout Walk w, float dx) {
  float x = w.x + dx;
  float rows = floor(x);
  w = Walk(x - rows, w.row + rows);
}

// Reads the walk's texel, then steps it on by dx.
vec4 walkNext(sampler2D s, Flat f, inout Walk w, float dx) {
  vec4 value = texture(s, vec2(w.x, (w.row + 0.5) * f.scale.y));
  walkOn(w, dx);
  return value;
}

// The four values that start `shift` values into texel lo and go on into hi, the texel after it:
// a row of a flat tensor that does not start on a texel (shift: a constant, 0..3).
vec4 shifted(vec4 lo, vec4 hi, int shift) {
  return shift == 0 ? lo : shift == 1 ? vec4(lo.yzw, hi.x) : shift == 2 ? vec4(lo.zw, hi.xy) : vec4(lo.w, hi.xyz);
}

// v's first `count` values (a constant, 1..4), the rest 0 (selected, so Inf and NaN go too).
vec4 firstValues(vec4 v, int count) {
  return mix(vec4(0.0), v, lessThan(vec4(0.0, 1.0, 2.0, 3.0), vec4(float(count))));
}

// A row of a flat tensor read four values at a time from value `start` on (rowFrom, rowNext):
// its texels follow each other, and where it starts `shift` values into a texel (shift = start % 4,
// a constant) each four are two texels' (shifted), the later one kept for the next four.
struct Row { Walk w; vec4 lo; };

Row rowFrom(sampler2D s, Flat f, int start, int shift) {
  Row r = Row(walkFrom(f, start >> 2), vec4(0.0));
  if (shift != 0) r.lo = walkNext(s, f, r.w, f.scale.x);
  return r;
}

vec4 rowNext(sampler2D s, Flat f, inout Row r, int shift) {
  vec4 value = walkNext(s, f, r.w, f.scale.x);
  if (shift == 0) return value;
  vec4 four = shifted(r.lo, value, shift);
  r.lo = value;
  return four;
}

float flatValue(sampler2D s, Flat f, int i) {
  return flatRead(s, f, i >> 2)[i & 3];
}

// Value i of a flat tensor whose texture's rowShift is `shift` (worked out once per fragment).
float valueAt(sampler2D t, int shift, int i) {
  return texelFetch(t, flatTexel(i >> 2, shift), 0)[i & 3];
}

// Value i of a tensor whose texture is `width` texels wide (any layout of four
// values per texel, flat or not).
float fetch(sampler2D t, int width, int i) {
  int p = i >> 2;
  int y = quotient(p, width);
  return texelFetch(t, ivec2(p - y * width, y), 0)[i & 3];
}

// (n, row, column, channel) of flat index i in an NHWC tensor of `shape`.
ivec4 nhwcAt(int i, int shape[4]) {
  int p = quotient(i, shape[3]);
  int c = i - p * shape[3];
  int q = quotient(p, shape[2]);
  int w = p - q * shape[2];
  int n = quotient(q, shape[1]);
  return ivec4(n, q - n * shape[1], w, c);
}

// A walk over consecutive values without a division per step.
struct Cursor { ivec2 texel; int component; };

Cursor cursorAt(int i, int width) {
  int p = i >> 2;
  int y = quotient(p, width);
  return Cursor(ivec2(p - y * width, y), i & 3);
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

// (max m, sum of exp(x - m)) of values [start, end) of a flat tensor whose texture's rowShift is
// `shift`, read a whole texel at a time (values outside [start, end) count as -inf; m is -inf for
// a run of only -inf, and s is then 0). NaN or +inf anywhere makes m NaN (softmax.glsl's
// statistics pass, and elementwise.glsl's rows worked out where they are read).
vec2 softmaxStatistics(sampler2D x, int shift, int start, int end) {
  float m = -INF;
  float s = 0.0;
  bool bad = false;
  for (int i = start & ~3; i < end; i += 4) {
    ivec4 index = ivec4(i) + ivec4(0, 1, 2, 3);
    vec4 v = texelFetch(x, flatTexel(i >> 2, shift), 0);
    v = mix(vec4(-INF), v, greaterThanEqual(index, ivec4(start)));
    v = mix(vec4(-INF), v, lessThan(index, ivec4(end)));
    bad = bad || any(isnan(v)) || any(equal(v, vec4(INF)));
    v = mix(v, vec4(-INF), isnan(v));
    float top = max(m, max(max(v.x, v.y), max(v.z, v.w)));
    if (top > -INF) s = s * exp(m - top) + dot(exp(v - top), vec4(1.0));
    m = top;
  }
  return vec2(bad ? NAN : m, s);
}
