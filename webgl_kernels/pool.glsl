// pool: max pooling of NHWC images x [N, H, W, C] into y [N, OH, OW, C], and its gradient.
//   MAX_POOL       y[n, i, j, c] = max over the window of x[n, i*sh - top + a, j*sw - left + b, c]
//                  (cells outside the image never win; NaN wins, as in NumPy)
//   MAX_POOL_GRAD  dx[n, h, w, c] = sum of dy over the windows whose first (row-major)
//                  maximum is x[n, h, w, c] (ties: the first one gets it all, as in TF)
// Average pooling has no kernel: it is a depthwise conv2d with a filter of ones.
// Defines: MAX_POOL or MAX_POOL_GRAD; VEC4 (C % 4 == 0): a fragment's four values are four
// channels of one pixel, read as whole texels; with VEC4, TILED and KH, KW (the window, equal to
// the strides, no padding, every window inside the image: 2x2/2 VALID): straight-line reads with
// no bounds checks. NOTE: the general path's loops with bounds and index walks cost SwiftShader
// about 13x an elementwise pass's per fragment (a pooling gradient of 64x24x24x8: 23 ms).
// Uniforms: u_size, u_outWidth, u_x (x) and u_xWidth, u_y (dy, for the gradient) and
//   u_yWidth, u_xShape[4], u_yShape[4] (NHWC), u_kernel[2], u_strides[2], u_pads[2] (top, left).
// Output layout: y (MAX_POOL) or dx (MAX_POOL_GRAD), four values per texel, row-major flat.

uniform int u_size;
uniform int u_outWidth;
uniform sampler2D u_x;
uniform sampler2D u_y;
uniform int u_xWidth;
uniform int u_yWidth;
uniform int u_xShape[4];
uniform int u_yShape[4];
uniform int u_kernel[2];
uniform int u_strides[2];
uniform int u_pads[2];

Flat xFlat, yFlat;  // flatOf(u_x) and flatOf(u_y), set by main()

#ifdef TILED
// WINDOW(s): statement s for every cell (a, b) of the KH x KW window, written out for windows up
// to 3 x 3: on SwiftShader a loop costs more than its few iterations' work (the gradient of a 2x2/2
// pool of 64x24x24x8: 11 -> 7.7 ms).
#if KH <= 3 && KW <= 3
#define CELL(s, A, B) { const int a = A; const int b = B; s; }
#if KW == 1
#define WINDOW_ROW(s, A) CELL(s, A, 0)
#elif KW == 2
#define WINDOW_ROW(s, A) CELL(s, A, 0) CELL(s, A, 1)
#else
#define WINDOW_ROW(s, A) CELL(s, A, 0) CELL(s, A, 1) CELL(s, A, 2)
#endif
#if KH == 1
#define WINDOW(s) WINDOW_ROW(s, 0)
#elif KH == 2
#define WINDOW(s) WINDOW_ROW(s, 0) WINDOW_ROW(s, 1)
#else
#define WINDOW(s) WINDOW_ROW(s, 0) WINDOW_ROW(s, 1) WINDOW_ROW(s, 2)
#endif
#else
#define WINDOW(s) for (int a = 0; a < KH; ++a) { for (int b = 0; b < KW; ++b) { s; } }
#endif
#endif

bool wins(float v, float best) {
  return v > best || (isnan(v) && !isnan(best));
}

// The flat x index of the first maximum of window (n, i, j) in channel c.
int argmaxAt(int n, int i, int j, int c) {
  float best = -INF;
  int at = -1;
  for (int a = 0; a < u_kernel[0]; ++a) {
    int h = i * u_strides[0] - u_pads[0] + a;
    if (h < 0 || h >= u_xShape[1]) continue;
    for (int b = 0; b < u_kernel[1]; ++b) {
      int w = j * u_strides[1] - u_pads[1] + b;
      if (w < 0 || w >= u_xShape[2]) continue;
      int index = ((n * u_xShape[1] + h) * u_xShape[2] + w) * u_xShape[3] + c;
      float v = flatValue(u_x, xFlat, index);
      if (at < 0 || wins(v, best)) {
        best = v;
        at = index;
      }
    }
  }
  return at;
}

#ifdef MAX_POOL
float pool1(int o) {
  ivec4 at = nhwcAt(o, u_yShape);
  return flatValue(u_x, xFlat, argmaxAt(at.x, at.y, at.z, at.w));
}

#if defined(VEC4) && defined(TILED)
vec4 pool4(int o) {
  ivec4 at = nhwcAt(o, u_yShape);
  int C4 = u_xShape[3] >> 2;
  int corner = (at.x * u_xShape[1] + at.y * KH) * u_xShape[2] + at.z * KW;  // the window's first pixel
  vec4 best = vec4(-INF);
  WINDOW(vec4 v = flatRead(u_x, xFlat, (corner + a * u_xShape[2] + b) * C4 + (at.w >> 2));
         best = mix(best, v, bvec4(ivec4(greaterThan(v, best)) | ivec4(isnan(v)))))
  return best;
}
#elif defined(VEC4)
vec4 pool4(int o) {
  ivec4 at = nhwcAt(o, u_yShape);
  int n = at.x, i = at.y, j = at.z, c = at.w;
  vec4 best = vec4(-INF);
  for (int a = 0; a < u_kernel[0]; ++a) {
    int h = i * u_strides[0] - u_pads[0] + a;
    if (h < 0 || h >= u_xShape[1]) continue;
    for (int b = 0; b < u_kernel[1]; ++b) {
      int w = j * u_strides[1] - u_pads[1] + b;
      if (w < 0 || w >= u_xShape[2]) continue;
      int t = (((n * u_xShape[1] + h) * u_xShape[2] + w) * u_xShape[3] + c) >> 2;
      vec4 v = flatRead(u_x, xFlat, t);
      best = mix(best, v, bvec4(ivec4(greaterThan(v, best)) | ivec4(isnan(v))));
    }
  }
  return best;
}
#endif
#endif

#ifdef MAX_POOL_GRAD
// The windows that cover pixel (h, w): rows i with i*sh - top <= h < i*sh - top + kh (first, last),
// then the columns likewise.
ivec4 covering(int h, int w) {
  return ivec4(quotient(max(0, h + u_pads[0] - u_kernel[0] + u_strides[0]), u_strides[0]),
               min(u_yShape[1] - 1, quotient(h + u_pads[0], u_strides[0])),
               quotient(max(0, w + u_pads[1] - u_kernel[1] + u_strides[1]), u_strides[1]),
               min(u_yShape[2] - 1, quotient(w + u_pads[1], u_strides[1])));
}

float pool1(int o) {
  ivec4 at = nhwcAt(o, u_xShape);
  int n = at.x, h = at.y, w = at.z, c = at.w;
  ivec4 windows = covering(h, w);  // NOTE: only these, not every window
  float acc = 0.0;
  for (int i = windows.x; i <= windows.y; ++i) {
    for (int j = windows.z; j <= windows.w; ++j) {
      if (argmaxAt(n, i, j, c) == o) {
        acc += flatValue(u_y, yFlat, ((n * u_yShape[1] + i) * u_yShape[2] + j) * u_yShape[3] + c);
      }
    }
  }
  return acc;
}

#ifdef VEC4
// A window's next cell for four channels at once: as argmaxAt, the first cell, then a greater
// value or a NaN over a number, takes the lead; `where` keeps the leading cell's number.
void lead(vec4 v, int cell, inout vec4 best, inout ivec4 where) {
  bvec4 take = bvec4(ivec4(lessThan(where, ivec4(0))) | ivec4(greaterThan(v, best)) |
                     (ivec4(isnan(v)) & ivec4(not(isnan(best)))));
  best = mix(best, v, take);
  where = ivec4(mix(vec4(where), vec4(cell), take));
}
#endif

#if defined(VEC4) && defined(TILED)
// dx[o .. o+3]: four channels of pixel (h, w), under at most one window (i, j) = (h / KH, w / KW).
vec4 pool4(int o) {
  ivec4 at = nhwcAt(o, u_xShape);
  int i = quotient(at.y, KH);
  int j = quotient(at.z, KW);
  if (i >= u_yShape[1] || j >= u_yShape[2]) return vec4(0.0);  // past the last window
  int C4 = u_xShape[3] >> 2;
  int corner = (at.x * u_xShape[1] + i * KH) * u_xShape[2] + j * KW;
  vec4 best = vec4(-INF);
  ivec4 where = ivec4(-1);
  WINDOW(lead(flatRead(u_x, xFlat, (corner + a * u_xShape[2] + b) * C4 + (at.w >> 2)), a * KW + b, best, where))
  vec4 dy = flatRead(u_y, yFlat, ((at.x * u_yShape[1] + i) * u_yShape[2] + j) * C4 + (at.w >> 2));
  return mix(vec4(0.0), dy, equal(where, ivec4((at.y - i * KH) * KW + at.z - j * KW)));
}
#elif defined(VEC4)
// dx[o .. o+3]: four channels of one pixel (h, w); each covering window's first maximum is found
// for the four channels at once, from whole texels, and dy's texel added where it is (h, w).
vec4 pool4(int o) {
  ivec4 at = nhwcAt(o, u_xShape);
  int n = at.x, h = at.y, w = at.z, c4 = at.w >> 2;
  int C4 = u_xShape[3] >> 2;
  ivec4 windows = covering(h, w);
  int here = h * u_xShape[2] + w;
  vec4 acc = vec4(0.0);
  for (int i = windows.x; i <= windows.y; ++i) {
    for (int j = windows.z; j <= windows.w; ++j) {
      vec4 best = vec4(-INF);
      ivec4 where = ivec4(-1);
      for (int a = 0; a < u_kernel[0]; ++a) {
        int hh = i * u_strides[0] - u_pads[0] + a;
        if (hh < 0 || hh >= u_xShape[1]) continue;
        for (int b = 0; b < u_kernel[1]; ++b) {
          int ww = j * u_strides[1] - u_pads[1] + b;
          if (ww < 0 || ww >= u_xShape[2]) continue;
          lead(flatRead(u_x, xFlat, ((n * u_xShape[1] + hh) * u_xShape[2] + ww) * C4 + c4), hh * u_xShape[2] + ww,
               best, where);
        }
      }
      vec4 dy = flatRead(u_y, yFlat, ((n * u_yShape[1] + i) * u_yShape[2] + j) * C4 + c4);
      acc += mix(vec4(0.0), dy, equal(where, ivec4(here)));
    }
  }
  return acc;
}
#endif
#endif

void main() {
  xFlat = flatOf(u_x);
  yFlat = flatOf(u_y);
  int base = 4 * outTexel(u_outWidth);
#ifdef VEC4
  outColor = base < u_size ? pool4(base) : vec4(0.0);
#else
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    if (base + k < u_size) v[k] = pool1(base + k);
  }
  outColor = v;
#endif
}
