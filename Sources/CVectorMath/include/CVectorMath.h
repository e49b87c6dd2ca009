#ifndef ATTEND_CVECTORMATH_H
#define ATTEND_CVECTORMATH_H

/// Elementwise float kernels over arrays. On x86-64 glibc they go through glibc's vector math
/// library (libmvec, 4 lanes; within a few ulp of libm), the tail of an array padded to 4 lanes, so
/// an element's result does not depend on its position; elsewhere through libm's scalar functions.

/// y[i] = x[i]^e for x[i] >= 0 and e > 0. y may be x.
void attend_vm_powf(const float *x, float e, float *y, long n);

/// In place, the exact GELU: x * 0.5 * (1 + erf(x / sqrt(2))).
void attend_vm_gelu(float *x, long n);

#endif
