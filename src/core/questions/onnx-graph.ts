/**
 * A few-node ONNX graph, so the heavy vector maths (the matrix products of lookup, duplicate mining
 * and clustering) runs in onnxruntime's optimised GEMM and TopK kernels instead of a JavaScript loop.
 * The bytes are written by onnx-proto (ONNX's own onnx.proto compiled with protobufjs — the package
 * onnxruntime-web's predecessor onnx.js used), not by a hand-written protobuf encoder.
 */
import { createRequire } from 'node:module';

// onnx-proto is CommonJS with a default-less export; loaded through require like the other CJS natives.
const { onnx } = createRequire(import.meta.url)('onnx-proto') as typeof import('onnx-proto');

/** ONNX TensorProto.DataType values used here. */
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const BOOL = onnx.TensorProto.DataType.BOOL;
export const INT64 = onnx.TensorProto.DataType.INT64;

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

function valueInfo(v: ValueInfo): import('onnx-proto').onnx.IValueInfoProto {
  const dim = v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: v.name, type: { tensorType: { elemType: v.type, shape: { dim } } } };
}

function node(n: Node, i: number): import('onnx-proto').onnx.INodeProto {
  const attribute = (n.attrs ?? []).map((a) =>
    'int' in a ? { name: a.name, i: a.int, type: onnx.AttributeProto.AttributeType.INT } : { name: a.name, f: a.float, type: onnx.AttributeProto.AttributeType.FLOAT },
  );
  return { input: n.inputs, output: n.outputs, name: `${n.op}_${i}`, opType: n.op, attribute };
}

function initializer(t: Initializer): import('onnx-proto').onnx.ITensorProto {
  const rawData = t.type === INT64 ? new Uint8Array(BigInt64Array.from(t.values.map(BigInt)).buffer) : new Uint8Array(Float32Array.from(t.values).buffer);
  return { dims: t.dims, dataType: t.type, name: t.name, rawData };
}

/** Serialise a graph as an ONNX model (IR 8, default opset 17). */
export function onnxModel(graph: { nodes: Node[]; inputs: ValueInfo[]; outputs: ValueInfo[]; initializers?: Initializer[] }): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'trove',
    graph: {
      node: graph.nodes.map(node),
      name: 'trove',
      initializer: (graph.initializers ?? []).map(initializer),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
    opsetImport: [{ domain: '', version: 17 }],
  }).finish();
}
