// ops: the per-op expressions of elementwise kernels, one function per op,
// named op_<webflow op name>. elementwise.glsl applies one of them (EXPR);
// fused kernels (graph mode) compose several. Each matches the NumPy backend
// on NaN and infinities: GLSL leaves those undefined for several builtins
// (pow, log, sqrt, max, min), so they are spelled out here.

float op_identity(float x) { return x; }
float op_negative(float x) { return -x; }
float op_abs(float x) { return abs(x); }
float op_sign(float x) { return isnan(x) ? NAN : sign(x); }
float op_exp(float x) { return isnan(x) ? NAN : exp(x); }
float op_log(float x) { return (isnan(x) || x < 0.0) ? NAN : x == 0.0 ? -INF : log(x); }
float op_sqrt(float x) { return x < 0.0 ? NAN : sqrt(x); }
// NOTE: tanh(15) rounds to 1 in float32; clamping keeps exp() in tanh from overflowing to inf/inf.
float op_tanh(float x) { return isnan(x) ? NAN : tanh(clamp(x, -15.0, 15.0)); }
float op_relu(float x) { return isnan(x) ? NAN : max(x, 0.0); }
float op_sigmoid(float x) {
  float e = exp(-abs(x));  // never overflows
  return x >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

float op_add(float a, float b) { return a + b; }
float op_subtract(float a, float b) { return a - b; }
float op_multiply(float a, float b) { return a * b; }
float op_divide(float a, float b) { return a / b; }
float op_pow(float a, float b) {
  if (isnan(a) || isnan(b)) return (b == 0.0 || a == 1.0) ? 1.0 : NAN;
  if (b == 0.0) return 1.0;
  if (a == 0.0) return b > 0.0 ? 0.0 : INF;
  if (a > 0.0) return exp2(b * log2(a));
  if (floor(b) != b) return NAN;                      // negative base, fractional exponent
  float m = exp2(b * log2(-a));
  return mod(b, 2.0) == 1.0 ? -m : m;                 // odd integer exponent keeps the sign
}
float op_maximum(float a, float b) { return (isnan(a) || isnan(b)) ? NAN : max(a, b); }
float op_minimum(float a, float b) { return (isnan(a) || isnan(b)) ? NAN : min(a, b); }

float op_equal(float a, float b) { return a == b ? 1.0 : 0.0; }
float op_not_equal(float a, float b) { return a == b ? 0.0 : 1.0; }
float op_less(float a, float b) { return a < b ? 1.0 : 0.0; }
float op_less_equal(float a, float b) { return a <= b ? 1.0 : 0.0; }
float op_greater(float a, float b) { return a > b ? 1.0 : 0.0; }
float op_greater_equal(float a, float b) { return a >= b ? 1.0 : 0.0; }

float op_where(float c, float x, float y) { return c != 0.0 ? x : y; }

float op_cast_float32(float x) { return x; }
float op_cast_int32(float x) { return trunc(x); }
float op_cast_bool(float x) { return x != 0.0 ? 1.0 : 0.0; }  // NaN is True, as in NumPy

// --- math ops ------------------------------------------------------------------------------
// NOTE: log(1 + x) drops the low bits of a tiny x when 1 + x rounds; since
// u - 1 is exact, log(u) * x / (u - 1) puts them back (Goldberg's trick).
float op_log1p(float x) {
  if (isnan(x) || x < -1.0) return NAN;
  if (x == -1.0) return -INF;
  if (isinf(x)) return INF;
  float u = 1.0 + x;
  return u == 1.0 ? x : log(u) * (x / (u - 1.0));
}
// The same trick for exp(x) - 1 (Kahan): (u - 1) * x / log(u).
float op_expm1(float x) {
  if (isnan(x)) return NAN;
  float u = exp(x);
  if (isinf(u)) return INF;
  if (u == 1.0) return x;
  float um1 = u - 1.0;
  return um1 == -1.0 ? -1.0 : um1 * (x / log(u));
}
// erf: a Maclaurin series below 0.5 (keeps the relative error of tiny x
// small), Abramowitz & Stegun 7.1.26 above (absolute error < 1.5e-7).
float op_erf(float x) {
  if (isnan(x)) return NAN;
  float a = abs(x);
  if (a < 0.5) {
    float s = x * x;
    return x * (1.1283791671 + s * (-0.3761263890 + s * (0.1128379167 + s * (-0.0268661706 +
                s * (0.0052239776 + s * -0.0008548327)))));
  }
  float t = 1.0 / (1.0 + 0.3275911 * a);
  float poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-a * a));
}
// NOTE: GPU sin/cos are not accurate enough (SwiftShader's sin(1) is off by
// 2e-5), so both are computed here. x = k pi/2 + y with |y| <= pi/4 (Cody-Waite):
// pi/2 = C1 + C2 + C3 with C1, C2 of 14 significant bits, and k = k1 + k2 with
// k1 a multiple of 1024 (at most 10 significant bits for |k| < 2^20) and
// |k2| < 1024, so every k1 * Ci and k2 * Ci (i = 1, 2) is exact and so is each
// subtraction that matters: y is within 6e-8 of x - k pi/2 for |x| up to
// 2^20 * pi/2 (about 1.6e6), checked against NumPy at |x| up to 1e6. Past that
// the reduction degrades (NumPy reduces exactly at any size). Taylor polynomials
// on [-pi/4, pi/4] are within 2e-9; the quadrant k % 4 picks the sign and function.
vec2 sinCos(float x) {
  float k = round(x * 0.6366197466850281);
  float k1 = trunc(k * 0.0009765625) * 1024.0;
  float k2 = k - k1;
  float y = (((x - k1 * 1.5706787109375) - k2 * 1.5706787109375) - k1 * 0.00011761486530303955) -
            k2 * 0.00011761486530303955;
  y -= k * 9.92093629470503e-10;
  float s2 = y * y;
  float s = y * (1.0 + s2 * (-1.0 / 6.0 + s2 * (1.0 / 120.0 + s2 * (-1.0 / 5040.0 + s2 * (1.0 / 362880.0)))));
  float c = 1.0 + s2 * (-0.5 + s2 * (1.0 / 24.0 + s2 * (-1.0 / 720.0 + s2 * (1.0 / 40320.0 + s2 * (-1.0 / 3628800.0)))));
  int q = int(k - 4.0 * floor(k * 0.25));
  return q == 0 ? vec2(s, c) : q == 1 ? vec2(c, -s) : q == 2 ? vec2(-s, -c) : vec2(-c, s);
}
float op_sin(float x) { return (isnan(x) || isinf(x)) ? NAN : sinCos(x).x; }
float op_cos(float x) { return (isnan(x) || isinf(x)) ? NAN : sinCos(x).y; }
float op_floor(float x) { return isnan(x) ? NAN : floor(x); }
float op_ceil(float x) { return isnan(x) ? NAN : ceil(x); }
float op_round(float x) { return (isnan(x) || isinf(x)) ? x : roundEven(x); }

// Floor division and its remainder (sign of the divisor), as NumPy's
// floor_divide and mod. NOTE: a / b is not correctly rounded on every GPU, so
// floor(a / b) can be one off near integers; the remainder r = a - b q shows
// it (r outside [0, b) for b > 0) and q is corrected. int32 division by zero
// is NaN here (NumPy gives 0; TF raises).
float floorQuotient(float a, float b) {
  float q = floor(a / b);
  float r = a - b * q;
  if (b > 0.0 ? r >= b : r <= b) q += 1.0;
  else if (b > 0.0 ? r < 0.0 : r > 0.0) q -= 1.0;
  return q;
}
float op_floordiv(float a, float b) {
  if (isnan(a) || isnan(b) || isinf(a)) return NAN;
  if (b == 0.0) return a / b;
  if (isinf(b)) return (a == 0.0 || (a < 0.0) == (b < 0.0)) ? 0.0 : -1.0;
  return floorQuotient(a, b);
}
float op_floormod(float a, float b) {
  if (isnan(a) || isnan(b) || isinf(a) || b == 0.0) return NAN;
  if (isinf(b)) return (a == 0.0 || (a < 0.0) == (b < 0.0)) ? a : b;
  return a - b * floorQuotient(a, b);
}
