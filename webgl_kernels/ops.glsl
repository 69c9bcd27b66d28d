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
