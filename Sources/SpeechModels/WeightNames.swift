/// The one place where checkpoint tensor names (PyTorch `state_dict` names of
/// `Training/attend/model.py`) meet the Swift model. Change both sides together.
enum WeightNames {
    static let stemConv1 = "stem.conv1"
    static let stemConv2 = "stem.conv2"
    static let stemProj = "stem.proj"
    static let stemLowConv = "stem.low_conv"
    static let stemLowProj = "stem.low_proj"
    static let maskHead = "mask_head"
    static let maskDecoderUp = "mask_decoder.up"
    static let maskDecoderUpLow = "mask_decoder.up_low"
    static let maskDecoderConv1 = "mask_decoder.conv1"
    static let maskDecoderConv2 = "mask_decoder.conv2"
    static let maskDecoderConv3 = "mask_decoder.conv3"
    static let maskDecoderGRU = "mask_decoder.gru"
    static let maskDecoderGRUOut = "mask_decoder.gru_out"
    static let phoneHead = "phone_head"
    static let frameKey = "frame_key"
    static let textEmbed = "text.embed.weight"
    static let textConv1 = "text.conv1"
    static let textConv2 = "text.conv2"

    struct Block {
        let prefix: String
        init(_ index: Int) { prefix = "blocks.\(index)." }
        var ff1Norm: String { prefix + "ff1.norm" }
        var ff1Up: String { prefix + "ff1.up" }
        var ff1Down: String { prefix + "ff1.down" }
        var attnNorm: String { prefix + "attn_norm" }
        var q: String { prefix + "attn.q" }
        var k: String { prefix + "attn.k" }
        var v: String { prefix + "attn.v" }
        var out: String { prefix + "attn.out" }
        var alphaLogit: String { prefix + "attn.alpha_logit" }
        var convNorm: String { prefix + "conv.norm" }
        var convPw1: String { prefix + "conv.pw1" }
        var convDw: String { prefix + "conv.dw" }
        var convDwNorm: String { prefix + "conv.dw_norm" }
        var convPw2: String { prefix + "conv.pw2" }
        var ff2Norm: String { prefix + "ff2.norm" }
        var ff2Up: String { prefix + "ff2.up" }
        var ff2Down: String { prefix + "ff2.down" }
        var outNorm: String { prefix + "out_norm" }
    }
}
