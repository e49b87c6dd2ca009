#include "CVectorMath.h"

#include <math.h>

#if defined(__x86_64__) && defined(__GLIBC__)
#include <emmintrin.h>
#define ATTEND_HAVE_MVEC 1
/* libmvec's 4-lane variants (x86-64 vector function ABI names, SSE, any x86-64 CPU; glibc >= 2.35
   for erff). */
__m128 _ZGVbN4vv_powf(__m128 x, __m128 y);
__m128 _ZGVbN4v_erff(__m128 x);
#endif

void attend_vm_powf(const float *x, float e, float *y, long n) {
    long i = 0;
#ifdef ATTEND_HAVE_MVEC
    const __m128 ve = _mm_set1_ps(e);
    for (; i + 4 <= n; i += 4) _mm_storeu_ps(y + i, _ZGVbN4vv_powf(_mm_loadu_ps(x + i), ve));
    if (i < n) {  /* the tail through the same vector routine, so an element's result never depends on its position */
        float t[4] = {1.0f, 1.0f, 1.0f, 1.0f};
        for (long j = i; j < n; j++) t[j - i] = x[j];
        _mm_storeu_ps(t, _ZGVbN4vv_powf(_mm_loadu_ps(t), ve));
        for (long j = i; j < n; j++) y[j] = t[j - i];
        i = n;
    }
#endif
    for (; i < n; i++) y[i] = powf(x[i], e);
}

void attend_vm_gelu(float *x, long n) {
    const float r = 0.70710678118654752f;
    long i = 0;
#ifdef ATTEND_HAVE_MVEC
    const __m128 vr = _mm_set1_ps(r), half = _mm_set1_ps(0.5f), one = _mm_set1_ps(1.0f);
    for (; i + 4 <= n; i += 4) {
        __m128 v = _mm_loadu_ps(x + i);
        __m128 e = _ZGVbN4v_erff(_mm_mul_ps(v, vr));
        _mm_storeu_ps(x + i, _mm_mul_ps(_mm_mul_ps(half, v), _mm_add_ps(one, e)));
    }
    if (i < n) {
        float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (long j = i; j < n; j++) t[j - i] = x[j];
        __m128 v = _mm_loadu_ps(t);
        __m128 e = _ZGVbN4v_erff(_mm_mul_ps(v, vr));
        _mm_storeu_ps(t, _mm_mul_ps(_mm_mul_ps(half, v), _mm_add_ps(one, e)));
        for (long j = i; j < n; j++) x[j] = t[j - i];
        i = n;
    }
#endif
    for (; i < n; i++) { float v = x[i]; x[i] = 0.5f * v * (1.0f + erff(v * r)); }
}
