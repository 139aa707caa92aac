/**
 * A few-node ONNX graph written straight to protobuf bytes, so the heavy vector maths (the matrix
 * products of lookup, duplicate mining and clustering) runs in onnxruntime's optimised GEMM and TopK
 * kernels instead of a JavaScript loop. onnxruntime-node is already loaded for the model; a hand-written
 * encoder for the handful of ONNX messages we need avoids a protobuf dependency.
 */

/** ONNX TensorProto.DataType values used here. */
export const FLOAT = 1;
export const BOOL = 9;
export const INT64 = 7;

class Writer {
  private readonly parts: number[] = [];
  varint(v: number | bigint): this {
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) {
      this.parts.push(Number(n & 0x7fn) | 0x80);
      n >>= 7n;
    }
    this.parts.push(Number(n));
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }
  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(new Float32Array([v]).buffer);
    for (const x of b) this.parts.push(x);
    return this;
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export type Dim = number | string;
export interface ValueInfo {
  name: string;
  type: number;
  shape: Dim[];
}
export type Attr = { name: string; int: number } | { name: string; float: number };
export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}
export interface Initializer {
  name: string;
  type: typeof INT64 | typeof FLOAT;
  dims: number[];
  values: number[];
}

function valueInfo(v: ValueInfo): Writer {
  const shape = new Writer();
  for (const d of v.shape) shape.msg(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().str(2, d));
  const tensor = new Writer().int(1, v.type).msg(2, shape);
  return new Writer().str(1, v.name).msg(2, new Writer().msg(1, tensor));
}

function node(n: Node, i: number): Writer {
  const w = new Writer();
  for (const x of n.inputs) w.str(1, x);
  for (const x of n.outputs) w.str(2, x);
  w.str(3, `${n.op}_${i}`).str(4, n.op);
  for (const a of n.attrs ?? []) {
    const aw = new Writer().str(1, a.name);
    if ('int' in a) aw.int(3, a.int).int(20, 2);
    else aw.float(2, a.float).int(20, 1);
    w.msg(5, aw);
  }
  return w;
}

function initializer(t: Initializer): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type).str(8, t.name);
  const raw = t.type === INT64 ? new Uint8Array(BigInt64Array.from(t.values.map(BigInt)).buffer) : new Uint8Array(Float32Array.from(t.values).buffer);
  return w.bytes(9, raw);
}

/** Serialise a graph as an ONNX model (IR 8, default opset 17). */
export function onnxModel(graph: { nodes: Node[]; inputs: ValueInfo[]; outputs: ValueInfo[]; initializers?: Initializer[] }): Uint8Array {
  const g = new Writer();
  graph.nodes.forEach((n, i) => g.msg(1, node(n, i)));
  g.str(2, 'trove');
  for (const t of graph.initializers ?? []) g.msg(5, initializer(t));
  for (const v of graph.inputs) g.msg(11, valueInfo(v));
  for (const v of graph.outputs) g.msg(12, valueInfo(v));
  return new Writer()
    .int(1, 8)
    .str(2, 'trove')
    .msg(7, g)
    .msg(8, new Writer().str(1, '').int(2, 17))
    .finish();
}
