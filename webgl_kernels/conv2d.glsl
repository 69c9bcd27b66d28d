// conv2d: the convolution family on NHWC images x [N, H, W, Cin], HWIO filters
// w [KH, KW, Cin / groups, Cout] and conv outputs y [N, OH, OW, Cout]. Each variant
// reads two of x, y, w and writes the third:
//   CONV      y[n, i, j, o] = sum_{a, b, c} x[n, i*sh - top + a*dh, j*sw - left + b*dw, c] * w[a, b, c, o]
//   TRANSPOSE x = the gradient of CONV with respect to x, given y (dy) and w
//   FILTER    w = the gradient of CONV with respect to w, given x and y (dy)
// Cells outside the image are zero. With groups > 1, output channel o sees only the
// input channels of its group (o / (Cout / groups)); depthwise is groups == Cin.
// Defines: CONV, TRANSPOSE or FILTER; VEC4 when groups == 1 and the four values of a
// fragment are four consecutive channels read as whole texels (the runtime checks the
// channel counts: Cout % 4 == 0, and for TRANSPOSE Cin % 4 == 0); X_VEC4 (CONV with
// VEC4) when Cin % 4 == 0 too, so x is read four channels per texel as well; DEPTHWISE
// (CONV, TRANSPOSE) when groups == Cin == Cout, Cout % 4 == 0: four channels of a pixel
// per fragment, every read a whole texel (depthwise convolution, average pooling).
// Uniforms: u_size, u_outWidth; textures u_x, u_y, u_w (two of them) and their widths
//   u_xWidth, u_yWidth, u_wWidth; u_xShape[4], u_yShape[4] (NHWC), u_kernel[2],
//   u_strides[2], u_dilations[2], u_pads[2] (top, left), u_groups.
// Output layout: the written tensor, four values per texel, row-major flat.

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_x;
uniform sampler2D u_y;
uniform sampler2D u_w;
uniform int u_xWidth;
uniform int u_yWidth;
uniform int u_wWidth;
uniform int u_xShape[4];
uniform int u_yShape[4];
uniform int u_kernel[2];
uniform int u_strides[2];
uniform int u_dilations[2];
uniform int u_pads[2];
uniform int u_groups;

// x, y and w read through their samplers (prelude's flatRead); main() sets their Flats.
Flat xFlat, yFlat, wFlat;
#define READ_X(t) flatRead(u_x, xFlat, t)
#define READ_Y(t) flatRead(u_y, yFlat, t)
#define READ_W(t) flatRead(u_w, wFlat, t)
#define VALUE_X(i) flatValue(u_x, xFlat, i)
#define VALUE_Y(i) flatValue(u_y, yFlat, i)
#define VALUE_W(i) flatValue(u_w, wFlat, i)

void setFlats() {
  xFlat = flatOf(u_x);
  yFlat = flatOf(u_y);
  wFlat = flatOf(u_w);
}

bool outside(int i, int size) {
  return i < 0 || i >= size;
}

#ifdef CONV
// y[o] for one flat output index o; the generic path (any channels and groups).
float conv1(int o) {
  int cout = u_yShape[3];
  ivec4 at = nhwcAt(o, u_yShape);
  int n = at.x, i = at.y, j = at.z, co = at.w;
  int cinGroup = quotient(u_xShape[3], u_groups);
  int c0 = quotient(co, quotient(cout, u_groups)) * cinGroup;
  float acc = 0.0;
  for (int a = 0; a < u_kernel[0]; ++a) {
    int h = i * u_strides[0] - u_pads[0] + a * u_dilations[0];
    if (outside(h, u_xShape[1])) continue;
    for (int b = 0; b < u_kernel[1]; ++b) {
      int w = j * u_strides[1] - u_pads[1] + b * u_dilations[1];
      if (outside(w, u_xShape[2])) continue;
      int x0 = ((n * u_xShape[1] + h) * u_xShape[2] + w) * u_xShape[3] + c0;
      int w0 = (a * u_kernel[1] + b) * cinGroup * cout + co;
      for (int c = 0; c < cinGroup; ++c) {
        acc += VALUE_X(x0 + c) * VALUE_W(w0 + c * cout);
      }
    }
  }
  return acc;
}

#ifdef VEC4
// y[o .. o+3]: four output channels of one pixel; w's texel (a, b, c, o/4) holds them.
vec4 conv4(int o) {
  int cout = u_yShape[3];
  int cin = u_xShape[3];
  ivec4 at = nhwcAt(o, u_yShape);
  int n = at.x, i = at.y, j = at.z, co4 = at.w >> 2;
  int cout4 = cout >> 2;
  vec4 acc = vec4(0.0);
  for (int a = 0; a < u_kernel[0]; ++a) {
    int h = i * u_strides[0] - u_pads[0] + a * u_dilations[0];
    if (outside(h, u_xShape[1])) continue;
    for (int b = 0; b < u_kernel[1]; ++b) {
      int w = j * u_strides[1] - u_pads[1] + b * u_dilations[1];
      if (outside(w, u_xShape[2])) continue;
      int x0 = ((n * u_xShape[1] + h) * u_xShape[2] + w) * cin;
      int w0 = (a * u_kernel[1] + b) * cin * cout4 + co4;
#ifdef X_VEC4
      // NOTE: four input channels per x texel: 5 fetches for 16 multiply-adds.
      for (int c = 0; c < cin; c += 4) {
        vec4 xv = READ_X((x0 + c) >> 2);
        int t = w0 + c * cout4;
        acc += xv.x * READ_W(t);
        acc += xv.y * READ_W(t + cout4);
        acc += xv.z * READ_W(t + 2 * cout4);
        acc += xv.w * READ_W(t + 3 * cout4);
      }
#else
      for (int c = 0; c < cin; ++c) {
        acc += VALUE_X(x0 + c) * READ_W(w0 + c * cout4);
      }
#endif
    }
  }
  return acc;
}
#endif
#ifdef DEPTHWISE
// y[o .. o+3]: four channels of one pixel, each its own group (groups == Cin == Cout):
// channel c sees only input channel c, so x, w and y are all read as whole texels.
vec4 conv4(int o) {
  int c = u_yShape[3];
  ivec4 at = nhwcAt(o, u_yShape);
  vec4 acc = vec4(0.0);
  for (int a = 0; a < u_kernel[0]; ++a) {
    int h = at.y * u_strides[0] - u_pads[0] + a * u_dilations[0];
    if (outside(h, u_xShape[1])) continue;
    for (int b = 0; b < u_kernel[1]; ++b) {
      int w = at.z * u_strides[1] - u_pads[1] + b * u_dilations[1];
      if (outside(w, u_xShape[2])) continue;
      acc += READ_X((((at.x * u_xShape[1] + h) * u_xShape[2] + w) * c + at.w) >> 2) *
             READ_W(((a * u_kernel[1] + b) * c + at.w) >> 2);
    }
  }
  return acc;
}
#endif
#endif

#ifdef TRANSPOSE
// The output row/column of the window that put input cell `i` under filter tap `a`,
// or -1 when no window did (between strides, or past the edges).
int source(int i, int a, int axis) {
  int t = i + u_pads[axis] - a * u_dilations[axis];
  if (t < 0) return -1;
  int q = quotient(t, u_strides[axis]);
  if (q * u_strides[axis] != t) return -1;
  t = q;
  return t < u_yShape[1 + axis] ? t : -1;
}

// x[o]: the sum over filter taps of dy at the output cell that read x[o] through the tap.
float conv1(int o) {
  int cin = u_xShape[3];
  int cout = u_yShape[3];
  ivec4 at = nhwcAt(o, u_xShape);
  int n = at.x, h = at.y, w = at.z, ci = at.w;
  int cinGroup = quotient(cin, u_groups);
  int coutGroup = quotient(cout, u_groups);
  int g = quotient(ci, cinGroup);
  float acc = 0.0;
  for (int a = 0; a < u_kernel[0]; ++a) {
    int i = source(h, a, 0);
    if (i < 0) continue;
    for (int b = 0; b < u_kernel[1]; ++b) {
      int j = source(w, b, 1);
      if (j < 0) continue;
      Cursor dy = cursorAt(((n * u_yShape[1] + i) * u_yShape[2] + j) * cout + g * coutGroup, u_yWidth);
      Cursor f = cursorAt(((a * u_kernel[1] + b) * cinGroup + ci - g * cinGroup) * cout + g * coutGroup, u_wWidth);
      for (int c = 0; c < coutGroup; ++c) {
        acc += cursorRead(u_y, dy) * cursorRead(u_w, f);
        dy = cursorNext(dy, u_yWidth);
        f = cursorNext(f, u_wWidth);
      }
    }
  }
  return acc;
}

#ifdef VEC4
// x[o .. o+3]: four input channels of one pixel; dy and w are read four output channels per texel.
vec4 conv4(int o) {
  int cin = u_xShape[3];
  int cout4 = u_yShape[3] >> 2;
  ivec4 at = nhwcAt(o, u_xShape);
  int n = at.x, h = at.y, w = at.z, ci = at.w;
  vec4 acc = vec4(0.0);
  for (int a = 0; a < u_kernel[0]; ++a) {
    int i = source(h, a, 0);
    if (i < 0) continue;
    for (int b = 0; b < u_kernel[1]; ++b) {
      int j = source(w, b, 1);
      if (j < 0) continue;
      int dy0 = ((n * u_yShape[1] + i) * u_yShape[2] + j) * cout4;
      int w0 = ((a * u_kernel[1] + b) * cin + ci) * cout4;
      for (int c = 0; c < cout4; ++c) {
        vec4 dy = READ_Y(dy0 + c);
        acc.x += dot(dy, READ_W(w0 + c));
        acc.y += dot(dy, READ_W(w0 + cout4 + c));
        acc.z += dot(dy, READ_W(w0 + 2 * cout4 + c));
        acc.w += dot(dy, READ_W(w0 + 3 * cout4 + c));
      }
    }
  }
  return acc;
}
#endif
#ifdef DEPTHWISE
// x[o .. o+3]: four channels of one pixel, each its own group (groups == Cin == Cout).
vec4 conv4(int o) {
  int c = u_xShape[3];
  ivec4 at = nhwcAt(o, u_xShape);
  vec4 acc = vec4(0.0);
  for (int a = 0; a < u_kernel[0]; ++a) {
    int i = source(at.y, a, 0);
    if (i < 0) continue;
    for (int b = 0; b < u_kernel[1]; ++b) {
      int j = source(at.z, b, 1);
      if (j < 0) continue;
      acc += READ_Y((((at.x * u_yShape[1] + i) * u_yShape[2] + j) * c + at.w) >> 2) *
             READ_W(((a * u_kernel[1] + b) * c + at.w) >> 2);
    }
  }
  return acc;
}
#endif
#endif

#ifdef FILTER
// The output rows (or columns) whose window puts filter tap `a` inside the image:
// [first, last) with first * stride - pad + a * dilation >= 0 and < size.
ivec2 validRange(int a, int axis) {
  int offset = a * u_dilations[axis] - u_pads[axis];
  int s = u_strides[axis];
  int first = offset >= 0 ? 0 : quotient(s - 1 - offset, s);
  int last = min(u_yShape[1 + axis], quotient(max(u_xShape[1 + axis] - offset + s - 1, 0), s));
  return ivec2(first, last);
}

// w[o]: the sum over images and output cells of x under filter tap (a, b) times dy.
float conv1(int o) {
  int cout = u_yShape[3];
  int cinGroup = quotient(u_xShape[3], u_groups);
  int p = quotient(o, cout);
  int co = o - p * cout;
  int q = quotient(p, cinGroup);
  int c = p - q * cinGroup + quotient(co, quotient(cout, u_groups)) * cinGroup;
  int a = quotient(q, u_kernel[1]);
  int b = q - a * u_kernel[1];
  ivec2 rows = validRange(a, 0);
  ivec2 cols = validRange(b, 1);
  float acc = 0.0;
  for (int n = 0; n < u_yShape[0]; ++n) {
    for (int i = rows.x; i < rows.y; ++i) {
      int h = i * u_strides[0] - u_pads[0] + a * u_dilations[0];
      for (int j = cols.x; j < cols.y; ++j) {
        int w = j * u_strides[1] - u_pads[1] + b * u_dilations[1];
        acc += VALUE_X(((n * u_xShape[1] + h) * u_xShape[2] + w) * u_xShape[3] + c) *
               VALUE_Y(((n * u_yShape[1] + i) * u_yShape[2] + j) * cout + co);
      }
    }
  }
  return acc;
}

#ifdef VEC4
// w[o .. o+3]: four output channels of one tap and input channel; dy is read as whole texels.
vec4 conv4(int o) {
  int cout = u_yShape[3];
  int cin = u_xShape[3];
  int p = quotient(o, cout);
  int co4 = (o - p * cout) >> 2;
  int q = quotient(p, cin);
  int c = p - q * cin;
  int a = quotient(q, u_kernel[1]);
  int b = q - a * u_kernel[1];
  ivec2 rows = validRange(a, 0);
  ivec2 cols = validRange(b, 1);
  vec4 acc = vec4(0.0);
  for (int n = 0; n < u_yShape[0]; ++n) {
    for (int i = rows.x; i < rows.y; ++i) {
      int h = i * u_strides[0] - u_pads[0] + a * u_dilations[0];
      for (int j = cols.x; j < cols.y; ++j) {
        int w = j * u_strides[1] - u_pads[1] + b * u_dilations[1];
        float xv = VALUE_X(((n * u_xShape[1] + h) * u_xShape[2] + w) * cin + c);
        acc += xv * READ_Y((((n * u_yShape[1] + i) * u_yShape[2] + j) * cout >> 2) + co4);
      }
    }
  }
  return acc;
}
#endif
#endif

#ifdef BLOCK
// CONV, a block of four output pixels x four output channels per fragment
// (groups == 1, Cout % 4 == 0): pixels j0 .. j0 + 3 of one output row (j0 = 4J),
// channels 4c4 .. 4c4 + 3. Fragment t = g * (Cout / 4) + c4 with block
// g = (n * OH + i) * ceil(OW / 4) + J; pixel j0 + r goes to render target r,
// texel t (row-major in the targets' near-square textures, whose width is
// u_outWidth), and unpack.glsl (CONV_BLOCKS) gathers the targets into y.
// FLAT_BLOCKS (OW % 4 != 0, not X_ROW): the four pixels are instead output pixels 4g .. 4g + 3 in
// flat order (n * OH + i) * OW + j, rows apart where a block crosses one: no block is part empty
// but the last (a filter gradient's 5x5 output: 7 blocks, not 10), and unpack reads them as rows
// of 4 pixels.
// NOTE: near-square, not one long row: SwiftShader shades 2x2 quads and splits
// a draw across threads by rows, so a one-row draw of few long fragments (the
// filter gradient's) would run at half speed on one core.
// NOTE: the four pixels share every filter texel and their row's index
// arithmetic, which costs SwiftShader more than the reads: with X_VEC4 a step
// reads 4 filter texels and 4 x texels for 64 multiply-adds. X_ROW (Cin == 1,
// horizontal stride and dilation 1): the four pixels' values for tap b of a filter row are x's
// values f + b .. f + b + 3, so the row's values are read once, a texel per four taps, and slid
// along by one value per tap (two texel reads and a shift per tap made the first MNIST conv,
// 64x28x28x1 -> 8 by 5x5, take 19 ms).
layout(location = 1) out vec4 outColor1;
layout(location = 2) out vec4 outColor2;
layout(location = 3) out vec4 outColor3;

// Four values from component k of lo on, continuing into hi.
vec4 window4(vec4 lo, vec4 hi, int k) {
  return k == 0 ? lo : k == 1 ? vec4(lo.yzw, hi.x) : k == 2 ? vec4(lo.zw, hi.xy) : vec4(lo.w, hi.xyz);
}

void main() {
  setFlats();
  int cout4 = u_yShape[3] >> 2;
  int t = outTexel(u_outWidth);
  int g = quotient(t, cout4);
  int c4 = t - g * cout4;
  // Each pixel's image n, the window's top row h0 and left column; a pixel past the row (or past
  // the image) reads nothing.
  int OH = u_yShape[1], OW = u_yShape[2];
  ivec4 n, h0, left;
  bvec4 live;
#ifdef FLAT_BLOCKS
  ivec4 p = 4 * g + ivec4(0, 1, 2, 3);  // output pixels (n * OH + i) * OW + j
  ivec4 q = ivec4(quotient(p.x, OW), quotient(p.y, OW), quotient(p.z, OW), quotient(p.w, OW));
  n = ivec4(quotient(q.x, OH), quotient(q.y, OH), quotient(q.z, OH), quotient(q.w, OH));
  h0 = (q - n * OH) * u_strides[0] - u_pads[0];
  left = (p - q * OW) * u_strides[1] - u_pads[1];
  live = lessThan(p, ivec4(u_yShape[0] * OH * OW));
#else
  int rowBlocks = (OW + 3) >> 2;
  int q = quotient(g, rowBlocks);  // output row n * OH + i
  int j0 = 4 * (g - q * rowBlocks);
  n = ivec4(quotient(q, OH));
  h0 = ivec4((q - n.x * OH) * u_strides[0] - u_pads[0]);
  left = (j0 + ivec4(0, 1, 2, 3)) * u_strides[1] - u_pads[1];
  live = bvec4(ivec4(lessThan(j0 + ivec4(0, 1, 2, 3), ivec4(OW))) & ivec4(n.x < u_yShape[0]));
#endif
  int cin = u_xShape[3];
  int W = u_xShape[2];
  float wStep = float(cout4) * wFlat.scale.x;  // the filter walk's step, Cout / 4 texels
  float xOne = xFlat.scale.x;  // one x texel
  float xNext = float(1 + (u_dilations[1] - 1) * (cin >> 2)) * xOne;
  vec4 acc0 = vec4(0.0), acc1 = vec4(0.0), acc2 = vec4(0.0), acc3 = vec4(0.0);
  for (int a = 0; a < u_kernel[0]; ++a) {
    ivec4 h = h0 + a * u_dilations[0];
    bvec4 rowInside = bvec4(ivec4(greaterThanEqual(h, ivec4(0))) &
                            ivec4(lessThan(h, ivec4(u_xShape[1]))));
#ifdef ROWS_OUTSIDE
    // A window row outside the image (padding: an input gradient's is wide) adds nothing: skipped.
    // NOTE: a define, where at least a tenth of the window rows are outside (runtime.js's
    // outsideRows): the branch costs the others 3-5%, and saves the second MNIST conv's input
    // gradient a fifth (28-29 -> 21-24 ms).
    if (!any(rowInside)) continue;
#endif
    // NOTE: else a row outside the image adds nothing (masked).
    ivec4 rowBase = (n * u_xShape[1] + h) * W;
    bvec4 rowLive = bvec4(ivec4(live) & ivec4(rowInside));  // live pixels whose window row is in the image
    // The filter's texels from (a, b = 0, channel 0, c4) on, Cout / 4 apart (prelude's Walk).
    Walk fw = walkFrom(wFlat, a * u_kernel[1] * cin * cout4 + c4);
#ifdef X_ROW
    // xs: the four pixels' values for tap b, x[f + b .. f + b + 3]; ahead: the (up to) four after.
    // NOTE: f < 0 only before the image's first value, and texels past the end clamp to it: those
    // columns are masked out.
    int f = rowBase.x + left.x;
    int t = f >> 2;  // floor, also for f < 0
    int k = f - 4 * t;
    vec4 lo = READ_X(max(t, 0));
    vec4 hi = READ_X(t + 1);
    vec4 xs = window4(lo, hi, k);
    lo = hi;
    hi = READ_X(t + 2);
    vec4 ahead = window4(lo, hi, k);
    t += 3;
    // Tap b: the values of the pixels whose column is in the image, times the filter texel; slide.
#define TAP(b) { \
      ivec4 col = left + (b); \
      vec4 v = mix(vec4(0.0), xs, bvec4(ivec4(rowLive) & ivec4(greaterThanEqual(col, ivec4(0))) & \
                                        ivec4(lessThan(col, ivec4(W))))); \
      vec4 f0 = walkNext(u_w, wFlat, fw, wStep); \
      acc0 += v.x * f0; \
      acc1 += v.y * f0; \
      acc2 += v.z * f0; \
      acc3 += v.w * f0; \
      xs = vec4(xs.yzw, ahead.x); \
      ahead = vec4(ahead.yzw, 0.0); }
    // The next four values, after every fourth tap.
#define REFILL { lo = hi; hi = READ_X(t++); ahead = window4(lo, hi, k); }
    // NOTE: the KW taps written out (KW, the filter's width, a define): on SwiftShader a loop over
    // them, or a branch every fourth tap, cost more than the reads they save.
    TAP(0)
#if KW > 1
    TAP(1)
#endif
#if KW > 2
    TAP(2)
#endif
#if KW > 3
    TAP(3)
#endif
#if KW > 5
    REFILL
#endif
#if KW > 4
    TAP(4)
#endif
#if KW > 5
    TAP(5)
#endif
#if KW > 6
    TAP(6)
#endif
#if KW > 7
    TAP(7)
#endif
#else
#ifdef X_VEC4
    // Each pixel's x texels from tap b = 0's channel 0 on: one on per four channels; from a tap's
    // last four channels on to the next tap's first (xNext: one more, plus the dilation's columns).
    // Texels before the image (t < 0) read row 0, masked.
    ivec4 xt = ((rowBase + left) * cin) >> 2;
    Walk x0 = walkFrom(xFlat, xt.x), x1 = walkFrom(xFlat, xt.y);
    Walk x2 = walkFrom(xFlat, xt.z), x3 = walkFrom(xFlat, xt.w);
#endif
    for (int b = 0; b < u_kernel[1]; ++b) {
      ivec4 col = left + b * u_dilations[1];
      bvec4 inside = bvec4(ivec4(rowLive) & ivec4(greaterThanEqual(col, ivec4(0))) &
                           ivec4(lessThan(col, ivec4(W))));
#ifdef X_VEC4
      // Channels c .. c + 3: the filter's rows c .. c+3 as columns, so m * xv = sum_k xv[k] *
      // w[a, b, c + k, 4c4 .. 4c4 + 3].
      // NOTE: every texel read, then masked (mix), not read under a condition per pixel: on
      // SwiftShader that is cheaper (the second MNIST conv 17 -> 16 ms); texture() clamps the
      // walks' texels before the image (row 0) and past its end.
#define CHANNELS(dx) { \
        mat4 m; \
        m[0] = walkNext(u_w, wFlat, fw, wStep); \
        m[1] = walkNext(u_w, wFlat, fw, wStep); \
        m[2] = walkNext(u_w, wFlat, fw, wStep); \
        m[3] = walkNext(u_w, wFlat, fw, wStep); \
        acc0 += m * mix(vec4(0.0), walkNext(u_x, xFlat, x0, dx), bvec4(inside.x)); \
        acc1 += m * mix(vec4(0.0), walkNext(u_x, xFlat, x1, dx), bvec4(inside.y)); \
        acc2 += m * mix(vec4(0.0), walkNext(u_x, xFlat, x2, dx), bvec4(inside.z)); \
        acc3 += m * mix(vec4(0.0), walkNext(u_x, xFlat, x3, dx), bvec4(inside.w)); }
      // NOTE: 4 or 8 input channels (CIN4 = Cin / 4, a define) written out: on SwiftShader the loop
      // over 1-2 groups cost more than their reads (the second MNIST conv 15.4-15.9 -> 12.1-12.3 ms).
      // Not more: each group written out makes the program's first draw (SwiftShader compiles it
      // there) slower, 16 channels 150 ms against the loop's 90-110, for 1-2 ms a step; also
      // writing out a 5-wide filter's taps cost 260-600 ms there for 1 ms a step. At 32 channels,
      // or looping over groups of four, no faster.
#ifdef CIN4
#if CIN4 > 1
      CHANNELS(xOne)
#endif
      CHANNELS(xNext)
#else
      for (int c = 4; c < cin; c += 4) CHANNELS(xOne)
      CHANNELS(xNext)
#endif
#else
      ivec4 x = (rowBase + col) * cin;
      for (int c = 0; c < cin; ++c) {
        vec4 f0 = walkNext(u_w, wFlat, fw, wStep);
        ivec4 i = max(x + c, 0);
        // Masked as in X_VEC4 (an RGB image's conv, 32x32x32x3 -> 16 by 3x3: 54-62 -> 49-50 ms).
        vec4 v = mix(vec4(0.0), vec4(VALUE_X(i.x), VALUE_X(i.y), VALUE_X(i.z), VALUE_X(i.w)), inside);
        acc0 += v.x * f0;
        acc1 += v.y * f0;
        acc2 += v.z * f0;
        acc3 += v.w * f0;
      }
#endif
    }
#endif
  }
  outColor = acc0;
  outColor1 = acc1;
  outColor2 = acc2;
  outColor3 = acc3;
}
#else
void main() {
  setFlats();
  int base = 4 * outTexel(u_outWidth);
#if defined(VEC4) || defined(DEPTHWISE)
  outColor = base < u_size ? conv4(base) : vec4(0.0);
#else
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    if (base + k < u_size) v[k] = conv1(base + k);
  }
  outColor = v;
#endif
}
#endif
