#ifndef ATTEND_CVECTORMATH_H
#define ATTEND_CVECTORMATH_H

/// Elementwise float kernels over arrays. On x86-64 glibc they go through glibc's vector math
/// library (libmvec; within a few ulp of libm) at the widest width the CPU runs (16 lanes with
/// AVX-512, 8 with AVX2, else 4), the tail of an array padded to a full vector, so an element's
/// result does not depend on its position; elsewhere through libm's scalar functions.

/// The vector width in use (16, 8 or 4; 1 without libmvec). The environment variable
/// ATTEND_VM_LANES=4 or 8 lowers it (read once, at the first call).
int attend_vm_lanes(void);

typedef enum { ATTEND_VM_POW, ATTEND_VM_GELU, ATTEND_VM_SILU, ATTEND_VM_SIGMOID, ATTEND_VM_GLU, ATTEND_VM_POW_LOG2 } attend_vm_kernel;

/// One kernel at a given width (4, 8 or 16, lowered to what the CPU runs; 0 = attend_vm_lanes()):
/// y = POW x^e (x >= 0), POW_LOG2 x^e as exp2(e * log2 x) (below), GELU(x), SILU(x), SIGMOID(x), or GLU x / (1 + exp(-g)). g is used by GLU
/// only; y may be x. The functions below are this at the default width.
void attend_vm_run(attend_vm_kernel kernel, const float *x, const float *g, float *y, long n, float e, int lanes);

/// y[i] = x[i]^e for x[i] >= 0 and e > 0; a result below about 3e-38 (the smallest normal float is
/// 1.2e-38) comes out as 0. y may be x.
void attend_vm_powf(const float *x, float e, float *y, long n);

/// attend_vm_powf computed as exp2(e * log2 x), about four times faster (libmvec's powf carries an
/// extra-precise logarithm): relative error about 1e-7 * |ln y[i]| (2e-6 at y = 1e-9) instead of
/// a few ulp. For sums whose large terms matter (attention's entmax). y may be x.
void attend_vm_powf_log2(const float *x, float e, float *y, long n);

/// In place, the exact GELU: x * 0.5 * (1 + erf(x / sqrt(2))).
void attend_vm_gelu(float *x, long n);

/// In place, SiLU: x / (1 + exp(-x)).
void attend_vm_silu(float *x, long n);

/// In place, the logistic sigmoid: 1 / (1 + exp(-x)).
void attend_vm_sigmoid(float *x, long n);

/// The gate of a GLU: y[i] = a[i] / (1 + exp(-g[i])). y may be a.
void attend_vm_glu(const float *a, const float *g, float *y, long n);

#endif
