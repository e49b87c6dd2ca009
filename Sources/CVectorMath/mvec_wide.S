/* Calls into glibc's libmvec 8-lane (AVX2) and 16-lane (AVX-512) variants over arrays.
 *
 * Why assembly: the vector function ABI passes __m256 / __m512 in ymm / zmm registers, but clang
 * passes them in memory unless the whole file is compiled with -mavx (a per-function
 * target("avx2") attribute does not change that), and SwiftPM gives per-file compiler flags only
 * through unsafeFlags, which would keep attend from being used as a package dependency. These
 * loops load, call and store; vector_math.c calls them only when the CPU has the instructions.
 *
 *   void attend_mvec_NAME(const float *x, float *y, long blocks, float e)
 *     for b in 0..<blocks: y[b*L ..< b*L+L] = F(x[b*L ..< b*L+L] (, e broadcast))
 *
 * x86-64 System V: x = rdi, y = rsi, blocks = rdx, e = xmm0. rbx, r12, r13 keep the pointers and
 * count across calls (callee-saved); e is kept on the stack, which stays 16-byte aligned at each call.
 */
#if defined(__x86_64__) && defined(__linux__)
    .text

.macro MVEC_LOOP name, fn, reg, bytes, two
    .globl \name
    .hidden \name
    .type \name, @function
    .p2align 4
\name:
    .cfi_startproc
    pushq %rbx
    .cfi_def_cfa_offset 16
    .cfi_offset %rbx, -16
    pushq %r12
    .cfi_def_cfa_offset 24
    .cfi_offset %r12, -24
    pushq %r13
    .cfi_def_cfa_offset 32
    .cfi_offset %r13, -32
    subq $16, %rsp
    .cfi_def_cfa_offset 48
    movss %xmm0, (%rsp)
    movq %rdi, %rbx
    movq %rsi, %r12
    movq %rdx, %r13
    testq %r13, %r13
    jle 2f
1:
    .if \two
    vbroadcastss (%rsp), %\reg\()1
    .endif
    vmovups (%rbx), %\reg\()0
    call \fn@PLT
    vmovups %\reg\()0, (%r12)
    addq $\bytes, %rbx
    addq $\bytes, %r12
    decq %r13
    jnz 1b
2:
    addq $16, %rsp
    .cfi_def_cfa_offset 32
    popq %r13
    .cfi_def_cfa_offset 24
    popq %r12
    .cfi_def_cfa_offset 16
    popq %rbx
    .cfi_def_cfa_offset 8
    vzeroupper
    ret
    .cfi_endproc
    .size \name, .-\name
.endm

    MVEC_LOOP attend_mvec_pow8, _ZGVdN8vv_powf, ymm, 32, 1
    MVEC_LOOP attend_mvec_erf8, _ZGVdN8v_erff, ymm, 32, 0
    MVEC_LOOP attend_mvec_exp8, _ZGVdN8v_expf, ymm, 32, 0
    MVEC_LOOP attend_mvec_pow16, _ZGVeN16vv_powf, zmm, 64, 1
    MVEC_LOOP attend_mvec_erf16, _ZGVeN16v_erff, zmm, 64, 0
    MVEC_LOOP attend_mvec_exp16, _ZGVeN16v_expf, zmm, 64, 0
    MVEC_LOOP attend_mvec_log2_8, _ZGVdN8v_log2f, ymm, 32, 0
    MVEC_LOOP attend_mvec_exp2_8, _ZGVdN8v_exp2f, ymm, 32, 0
    MVEC_LOOP attend_mvec_log2_16, _ZGVeN16v_log2f, zmm, 64, 0
    MVEC_LOOP attend_mvec_exp2_16, _ZGVeN16v_exp2f, zmm, 64, 0

    .section .note.GNU-stack,"",@progbits
#endif
