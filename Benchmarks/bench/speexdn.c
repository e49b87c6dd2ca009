/* speexdsp noise suppression as a filter: s16le mono 16 kHz on stdin -> s16le on stdout.
 * Build: cc -O2 -o speexdn speexdn.c -lspeexdsp   (Debian libspeexdsp-dev)
 * 10 ms frames (160 samples), denoiser on, AGC/VAD/dereverb off, default suppression (-15 dB). */
#include <speex/speex_preprocess.h>
#include <stdio.h>

int main(void) {
    enum { N = 160 };
    spx_int16_t frame[N];
    SpeexPreprocessState *st = speex_preprocess_state_init(N, 16000);
    int on = 1, off = 0;
    speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DENOISE, &on);
    speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_AGC, &off);
    speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_VAD, &off);
    speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DEREVERB, &off);
    size_t got;
    while ((got = fread(frame, sizeof(spx_int16_t), N, stdin)) > 0) {
        for (size_t i = got; i < N; i++) frame[i] = 0;
        speex_preprocess_run(st, frame);
        fwrite(frame, sizeof(spx_int16_t), got, stdout);
    }
    speex_preprocess_state_destroy(st);
    return 0;
}
