#include "CVectorMath.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK = 256 };  /* elements per pass through a temporary buffer */
enum op { OP_POW, OP_ERF, OP_EXP, OP_LOG2, OP_EXP2 };

#if defined(__x86_64__) && defined(__GLIBC__)
#include <emmintrin.h>
#define ATTEND_HAVE_MVEC 1
/* libmvec's 4-lane variants (x86-64 vector function ABI names, SSE, any x86-64 CPU; glibc >= 2.35
   for erff), called directly; the 8- and 16-lane ones through mvec_wide.S. */
__m128 _ZGVbN4vv_powf(__m128 x, __m128 y);
__m128 _ZGVbN4v_erff(__m128 x);
__m128 _ZGVbN4v_expf(__m128 x);
__m128 _ZGVbN4v_log2f(__m128 x);
__m128 _ZGVbN4v_exp2f(__m128 x);
void attend_mvec_pow8(const float *x, float *y, long blocks, float e);
void attend_mvec_erf8(const float *x, float *y, long blocks, float e);
void attend_mvec_exp8(const float *x, float *y, long blocks, float e);
void attend_mvec_pow16(const float *x, float *y, long blocks, float e);
void attend_mvec_erf16(const float *x, float *y, long blocks, float e);
void attend_mvec_exp16(const float *x, float *y, long blocks, float e);
void attend_mvec_log2_8(const float *x, float *y, long blocks, float e);
void attend_mvec_exp2_8(const float *x, float *y, long blocks, float e);
void attend_mvec_log2_16(const float *x, float *y, long blocks, float e);
void attend_mvec_exp2_16(const float *x, float *y, long blocks, float e);
/* By [width is 16][op]. */
static void (*const wide[2][5])(const float *, float *, long, float) = {
    {attend_mvec_pow8, attend_mvec_erf8, attend_mvec_exp8, attend_mvec_log2_8, attend_mvec_exp2_8},
    {attend_mvec_pow16, attend_mvec_erf16, attend_mvec_exp16, attend_mvec_log2_16, attend_mvec_exp2_16}};

static int attend_vm_width = 0;

int attend_vm_lanes(void) {
    int w = __atomic_load_n(&attend_vm_width, __ATOMIC_RELAXED);
    if (w) return w;
    __builtin_cpu_init();
    w = __builtin_cpu_supports("avx512f") ? 16 : __builtin_cpu_supports("avx2") ? 8 : 4;
    const char *env = getenv("ATTEND_VM_LANES");
    if (env) {
        int want = atoi(env);
        if (want == 4 || (want == 8 && w >= 8)) w = want;
    }
    __atomic_store_n(&attend_vm_width, w, __ATOMIC_RELAXED);
    return w;
}

static void sse4(enum op op, const float *x, float *y, long n, float e) {
    const __m128 ve = _mm_set1_ps(e);
    for (long i = 0; i < n; i += 4) {
        __m128 v = _mm_loadu_ps(x + i);
        switch (op) {
        case OP_POW: v = _ZGVbN4vv_powf(v, ve); break;
        case OP_ERF: v = _ZGVbN4v_erff(v); break;
        case OP_EXP: v = _ZGVbN4v_expf(v); break;
        case OP_LOG2: v = _ZGVbN4v_log2f(v); break;
        case OP_EXP2: v = _ZGVbN4v_exp2f(v); break;
        }
        _mm_storeu_ps(y + i, v);
    }
}

/* y = F(x) over n elements; n a multiple of the width, except that a tail is padded with `pad`
   and run through the same routine, so an element's result never depends on its position. */
static void map(enum op op, const float *x, float *y, long n, float e, float pad, int w) {
    long full = n / w * w;
    if (full) {
        if (w >= 8) wide[w == 16][op](x, y, full / w, e);
        else sse4(op, x, y, full, e);
    }
    if (full < n) {
        float t[16];
        for (int j = 0; j < w; j++) t[j] = full + j < n ? x[full + j] : pad;
        map(op, t, t, w, e, pad, w);
        for (long j = full; j < n; j++) y[j] = t[j - full];
    }
}
#else
int attend_vm_lanes(void) { return 1; }

static void map(enum op op, const float *x, float *y, long n, float e, float pad, int w) {
    (void)pad;
    (void)w;
    for (long i = 0; i < n; i++) {
        switch (op) {
        case OP_POW: y[i] = powf(x[i], e); break;
        case OP_ERF: y[i] = erff(x[i]); break;
        case OP_EXP: y[i] = expf(x[i]); break;
        case OP_LOG2: y[i] = log2f(x[i]); break;
        case OP_EXP2: y[i] = exp2f(x[i]); break;
        }
    }
}
#endif

static int usable(int lanes) {
    int w = attend_vm_lanes();
    return lanes == 4 || lanes == 8 || lanes == 16 ? (lanes < w ? lanes : w) : w;
}

/* The loops below read the caller's arrays and write only the local buffers, or the reverse, so
   that the compiler vectorises them even when y is x (a loop reading x and writing y in place
   would fail its overlap check and run scalar). */

/* x^e stays above about e * FLT_MIN (3.2e-38) for x above this; 0 for e <= 0. The last exponent's
   floor is kept (per thread): attention calls with one exponent per head, row after row. */
static float pow_floor(float e) {
    static _Thread_local float last_e = 0.0f, last_floor = 0.0f;
    if (e <= 0) return 0.0f;
    if (e != last_e) {
        last_floor = expf((logf(FLT_MIN) + 1.0f) / e);
        last_e = e;
    }
    return last_floor;
}

/* Lanes <= `floor` go through as 1 and are set to 0 after: libmvec hands the lanes it treats as
   special to scalar powf one at a time, which costs several times the vector call. Those are 0
   and, for e > 0, every x whose power underflows below the smallest normal float (attention's
   small terms raised to a large 1/(alpha - 1): d^49 for d < 0.17); their results, denormal or 0,
   come out as 0. `keep` holds 1 for the other lanes, 0 for these. */
static void pow_inputs(const float *x, float floor, float *t, float *keep, long k) {
    for (long i = 0; i < k; i++) {
        const int on = x[i] > floor;
        keep[i] = on ? 1.0f : 0.0f;
        t[i] = on ? x[i] : 1.0f;
    }
}

/* y = x^e, through libmvec's powf or (`via_log2`) as exp2(e * log2 x): two of its cheap functions
   instead of its powf, which takes about four times as long (its extra-precise logarithm). The
   product e * log2 x is rounded to float, so that result's relative error grows with |ln x^e|:
   about 1e-7 * |ln x^e| (2e-6 at x^e = 1e-9). Lanes at or below the floor come out as 0. */
static void vm_pow(const float *x, float e, float *y, long n, int w, int via_log2) {
    float t[BLOCK], keep[BLOCK];
    const float floor = pow_floor(e);
    for (long i0 = 0; i0 < n; i0 += BLOCK) {
        long k = n - i0 < BLOCK ? n - i0 : BLOCK;
        pow_inputs(x + i0, floor, t, keep, k);
        if (via_log2) {
            map(OP_LOG2, t, t, k, 0.0f, 1.0f, w);
            for (long i = 0; i < k; i++) t[i] *= e;
            map(OP_EXP2, t, t, k, 0.0f, 0.0f, w);
        } else {
            map(OP_POW, t, t, k, e, 1.0f, w);
        }
        for (long i = 0; i < k; i++) y[i0 + i] = t[i] * keep[i];
    }
}

static void vm_gelu(const float *x, float *y, long n, int w) {
    const float r = 0.70710678118654752f;
    float t[BLOCK];
    for (long i0 = 0; i0 < n; i0 += BLOCK) {
        long k = n - i0 < BLOCK ? n - i0 : BLOCK;
        for (long i = 0; i < k; i++) t[i] = x[i0 + i] * r;
        map(OP_ERF, t, t, k, 0.0f, 0.0f, w);
        for (long i = 0; i < k; i++) t[i] = 0.5f * x[i0 + i] * (1.0f + t[i]);
        memcpy(y + i0, t, (size_t)k * sizeof(float));
    }
}

/* y = a / (1 + exp(−g)): SiLU with a = g = x, σ with a = 1 (a NULL), the GLU's gate otherwise. */
static void vm_gate(const float *a, const float *g, float *y, long n, int w) {
    float t[BLOCK];
    for (long i0 = 0; i0 < n; i0 += BLOCK) {
        long k = n - i0 < BLOCK ? n - i0 : BLOCK;
        for (long i = 0; i < k; i++) t[i] = -g[i0 + i];
        map(OP_EXP, t, t, k, 0.0f, 0.0f, w);
        if (a) for (long i = 0; i < k; i++) t[i] = a[i0 + i] / (1.0f + t[i]);
        else for (long i = 0; i < k; i++) t[i] = 1.0f / (1.0f + t[i]);
        memcpy(y + i0, t, (size_t)k * sizeof(float));
    }
}

void attend_vm_run(attend_vm_kernel kernel, const float *x, const float *g, float *y, long n, float e, int lanes) {
    int w = usable(lanes);
    switch (kernel) {
    case ATTEND_VM_POW: vm_pow(x, e, y, n, w, 0); break;
    case ATTEND_VM_POW_LOG2: vm_pow(x, e, y, n, w, 1); break;
    case ATTEND_VM_GELU: vm_gelu(x, y, n, w); break;
    case ATTEND_VM_SILU: vm_gate(x, x, y, n, w); break;
    case ATTEND_VM_SIGMOID: vm_gate(NULL, x, y, n, w); break;
    case ATTEND_VM_GLU: vm_gate(x, g, y, n, w); break;
    }
}

void attend_vm_powf(const float *x, float e, float *y, long n) { attend_vm_run(ATTEND_VM_POW, x, NULL, y, n, e, 0); }
void attend_vm_powf_log2(const float *x, float e, float *y, long n) { attend_vm_run(ATTEND_VM_POW_LOG2, x, NULL, y, n, e, 0); }
void attend_vm_gelu(float *x, long n) { attend_vm_run(ATTEND_VM_GELU, x, NULL, x, n, 0, 0); }
void attend_vm_silu(float *x, long n) { attend_vm_run(ATTEND_VM_SILU, x, NULL, x, n, 0, 0); }
void attend_vm_sigmoid(float *x, long n) { attend_vm_run(ATTEND_VM_SIGMOID, x, NULL, x, n, 0, 0); }
void attend_vm_glu(const float *a, const float *g, float *y, long n) { attend_vm_run(ATTEND_VM_GLU, a, g, y, n, 0, 0); }
