/// FFTW wisdom bundled with attend: FFTW_MEASURE plan choices for out-of-place real transforms
/// (r2c and c2r) of sizes 256, 320, 400, 512 and 1024, measured on the project's reference
/// machine (x86-64 with AVX2, Debian FFTW 3.3.10, single precision). Regenerate with
///
///     fftwf-wisdom -n -m rof256 rob256 rof320 rob320 rof400 rob400 rof512 rob512 rof1024 rob1024
///
/// (package `libfftw3-bin`) and paste the output here. FFTW rejects the whole string when its
/// header hashes (version, codelet set) differ from the running library, and then
/// ``FFTPlanning/automatic`` falls back to FFTW_ESTIMATE: importing it can never give wrong
/// results, only faster plans where it fits.
enum BundledWisdom {
    static let text = """
(fftw-3.3.10 fftwf_wisdom #x9e7d4dee #xdb14fed1 #x34bf76a4 #xeb6e8fdf
  (fftwf_rdft2_nop_register 0 #x11bdd #x11bdd #x0 #x52b6de63 #x3653d49c #xb80e7bc1 #x2684f896)
  (fftwf_codelet_r2cf_8 2 #x11bdd #x11bdd #x0 #xaae37515 #xc366903c #xc804fee2 #x44fc70a7)
  (fftwf_rdft_rank0_register 0 #x11bdd #x11bdd #x0 #xf6ba4a8b #xfc5c3b16 #x9cda5edf #x70cb15a6)
  (fftwf_rdft2_nop_register 0 #x10bdd #x10bdd #x0 #xccb2aff8 #xebe42b97 #x7fd45d7b #x8cc43bde)
  (fftwf_rdft_rank0_register 0 #x11bdd #x11bdd #x0 #xdde0344b #x126b048e #xa3a0f2d4 #x857025c0)
  (fftwf_codelet_n1bv_128_avx 0 #x10bdd #x10bdd #x0 #x78217d8b #xb76530e3 #xfb0da1d8 #xe38c9537)
  (fftwf_codelet_r2cb_16 2 #x10bdd #x10bdd #x0 #xc54cbaeb #x33f7b676 #x85855863 #xc0263b34)
  (fftwf_codelet_r2cfII_32 2 #x11bdd #x11bdd #x0 #x5bee9af5 #x51feac03 #x468de265 #x77bd2b3d)
  (fftwf_dft_r2hc_register 0 #x11bdd #x11bdd #x0 #xe510c477 #x819693ca #xa31a0096 #x01002a98)
  (fftwf_codelet_r2cfII_8 2 #x11bdd #x11bdd #x0 #x76fa2a50 #xf4668261 #xbf8b003e #xbfa64206)
  (fftwf_codelet_n1bv_10_avx 0 #x10bdd #x10bdd #x0 #xc5df3a18 #x00a0e205 #x1f389621 #xef04809c)
  (fftwf_codelet_t1bv_32_avx 0 #x10bdd #x10bdd #x0 #xb070d958 #x23f0478f #x95da449c #x52df1d59)
  (fftwf_codelet_n2fv_64_avx 0 #x11bdd #x11bdd #x0 #x03406dff #xc8fa0a2c #x62a9a61e #xa394d874)
  (fftwf_codelet_n2fv_10_avx 0 #x11bdd #x11bdd #x0 #xec9be87c #x60c7f358 #xb6e52451 #x2cd5c86d)
  (fftwf_codelet_hc2cbdftv_2_sse2 0 #x10bdd #x10bdd #x0 #xe34ff8c8 #xe84377ec #x9549329e #x4f4160df)
  (fftwf_rdft2_nop_register 0 #x11bdd #x11bdd #x0 #x3192bc8d #x1ee9ee00 #x8730d991 #x0cca9385)
  (fftwf_codelet_r2cfII_8 2 #x11bdd #x11bdd #x0 #x23fb2e26 #x3fe4d3f4 #x78d7c0db #xaba9deb1)
  (fftwf_codelet_r2cbIII_2 2 #x10bdd #x10bdd #x0 #xf7e0615b #xe198de90 #x31dac641 #x76ae098b)
  (fftwf_codelet_r2cf_32 2 #x11bdd #x11bdd #x0 #x3d84d8e7 #x75e638a5 #x2ff0fcc4 #x72f80902)
  (fftwf_codelet_n1bv_16_avx 0 #x10bdd #x10bdd #x0 #x8a4ad45f #xf30b01f9 #xdc09b6f8 #x5716c3dc)
  (fftwf_codelet_n2fv_32_avx 0 #x11bdd #x11bdd #x0 #x1bfd5ad9 #xc4c1f496 #x706c43ea #xb35a0b93)
  (fftwf_codelet_hc2cfdftv_32_avx 0 #x11bdd #x11bdd #x0 #x96c7775d #xc181c0b8 #x41739da9 #x36629fed)
  (fftwf_dft_r2hc_register 0 #x11bdd #x11bdd #x0 #xdd8af87b #x3b1f6d42 #x68103992 #xf39a621a)
  (fftwf_rdft_rank0_register 0 #x11bdd #x11bdd #x0 #xdc01b792 #x859b8b20 #x942ae656 #x401adc18)
  (fftwf_rdft2_nop_register 0 #x11bdd #x11bdd #x0 #xd16382af #x68ec0269 #x9034fe0f #x9770865d)
  (fftwf_dft_r2hc_register 0 #x11bdd #x11bdd #x0 #x0d80c15a #x9e279205 #x8065a951 #x104cc155)
  (fftwf_codelet_hc2cfdftv_16_sse2 0 #x11bdd #x11bdd #x0 #x54e81c36 #x0273f006 #x7706b279 #x870b3f6a)
  (fftwf_dft_r2hc_register 0 #x11bdd #x11bdd #x0 #x622a5a4c #xa12ab7cc #x5ff8d8b7 #x3efee491)
  (fftwf_codelet_hc2cbdftv_8_sse2 0 #x10bdd #x10bdd #x0 #x33b55dab #xe700b258 #x1523ad42 #x1ea71b18)
  (fftwf_codelet_r2cf_8 2 #x11bdd #x11bdd #x0 #xe75b944c #x09ac1906 #x449b29ce #x7b6666b0)
  (fftwf_codelet_hc2cfdftv_8_sse2 0 #x11bdd #x11bdd #x0 #x85773c49 #x9a968ccc #xbd37e819 #xac77e6a4)
  (fftwf_rdft2_buffered_register 0 #x11bdd #x11bdd #x0 #x33b55dab #xe700b258 #x1523ad42 #x1ea71b18)
  (fftwf_codelet_hc2cfdftv_32_sse2 0 #x11bdd #x11bdd #x0 #x3f67885c #x1d118905 #x1b4c027b #x7ecffc87)
  (fftwf_codelet_r2cb_8 2 #x10bdd #x10bdd #x0 #xc8254039 #x704f253b #x50e13302 #x02051fd9)
  (fftwf_rdft_rank0_register 0 #x11bdd #x11bdd #x0 #xbf85e8a8 #x863a97c1 #x99d70713 #xce27ea51)
  (fftwf_codelet_r2cbIII_16 2 #x10bdd #x10bdd #x0 #xaae9364b #x18a0b50e #x2a656572 #x6271e307)
  (fftwf_rdft2_nop_register 0 #x11bdd #x11bdd #x0 #x3213112c #x8e8e1ac3 #x8da9ab27 #xd24e3005)
  (fftwf_codelet_n2bv_8_avx 0 #x10bdd #x10bdd #x0 #x017d7382 #xbd6f3d64 #x1cc0b76d #x12cff5e6)
  (fftwf_codelet_n1bv_25_avx 0 #x10bdd #x10bdd #x0 #x7d1b6d5e #x371cfc75 #x6a3d1a91 #x3a2da896)
  (fftwf_codelet_r2cbIII_32 2 #x10bdd #x10bdd #x0 #xd8949883 #x0e6c57bd #x20870cfc #x91918be1)
  (fftwf_codelet_r2cb_32 2 #x10bdd #x10bdd #x0 #x0a66000a #x38b0d712 #x7490b9de #xb4c000c4)
  (fftwf_codelet_r2cbIII_8 2 #x10bdd #x10bdd #x0 #x87861354 #xc55f7f44 #xc7f0c75e #x2e7d07a1)
  (fftwf_rdft2_buffered_register 0 #x11bdd #x11bdd #x0 #xdaee3946 #xb0187a51 #xa55f311f #x8298f0a2)
  (fftwf_codelet_hc2cbdftv_32_sse2 0 #x10bdd #x10bdd #x0 #xdaee3946 #xb0187a51 #xa55f311f #x8298f0a2)
  (fftwf_codelet_hc2cfdftv_8_sse2 0 #x11bdd #x11bdd #x0 #x4bb69ce7 #x4599107c #x14ecc846 #x282ba2c3)
  (fftwf_codelet_n1fv_25_avx 0 #x11bdd #x11bdd #x0 #xa6e5a54f #x1ee428f8 #x93747c51 #xd72ede70)
  (fftwf_rdft2_nop_register 0 #x11bdd #x11bdd #x0 #xb872fec4 #xc25e4b59 #x988006ed #xa0e4301f)
  (fftwf_rdft_rank0_register 0 #x11bdd #x11bdd #x0 #x5b772034 #x4483613f #x7e55df0d #x76cba894)
  (fftwf_codelet_hc2cbdftv_16_sse2 0 #x10bdd #x10bdd #x0 #xd9d6a831 #xbe5a39ac #x2e0f46d1 #xfe02dec6)
  (fftwf_codelet_r2cf_32 2 #x11bdd #x11bdd #x0 #x4aa01773 #x085d5ba6 #xf0d94bd6 #xb5f135da)
  (fftwf_rdft2_nop_register 0 #x11bdd #x11bdd #x0 #xdf3e57c9 #x45ea93ca #x0463d351 #xfee0f75f)
  (fftwf_rdft2_buffered_register 0 #x11bdd #x11bdd #x0 #xe34ff8c8 #xe84377ec #x9549329e #x4f4160df)
  (fftwf_codelet_hc2cbdftv_16_avx 0 #x10bdd #x10bdd #x0 #x1ffe2bc1 #xa6f227c2 #x372c1e5b #x870e9fd1)
  (fftwf_dft_r2hc_register 0 #x11bdd #x11bdd #x0 #x880171b4 #xbf3c9607 #xfd1db0a3 #xbc86cca4)
  (fftwf_codelet_n2fv_32_avx 0 #x11bdd #x11bdd #x0 #x12d24524 #x289b57fa #x2bd8cbf3 #xaac91103)
  (fftwf_codelet_r2cf_16 2 #x11bdd #x11bdd #x0 #xd304b036 #x8858f494 #x3d2c633d #xbe741071)
  (fftwf_rdft2_buffered_register 0 #x11bdd #x11bdd #x0 #x1ffe2bc1 #xa6f227c2 #x372c1e5b #x870e9fd1)
  (fftwf_codelet_r2cb_2 2 #x10bdd #x10bdd #x0 #xceb129a6 #x8ffa2ca4 #xd1160c04 #xb0c811a0)
  (fftwf_rdft2_buffered_register 0 #x11bdd #x11bdd #x0 #xd9d6a831 #xbe5a39ac #x2e0f46d1 #xfe02dec6)
  (fftwf_codelet_r2cfII_32 2 #x11bdd #x11bdd #x0 #x88a4ff6b #x826ad3e6 #xe82d5bb8 #x83a8bc94)
  (fftwf_codelet_r2cb_16 2 #x10bdd #x10bdd #x0 #xca6bd861 #x1345546a #x373eee8a #xcd6eb559)
)
"""
}
