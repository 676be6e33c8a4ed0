"""EdgeSplit's layer rules for ONNX graphs, computed in Python from onnx.shape_inference alone.

This is the *independent* count the Swift importer (`ModelImport.ONNXImport`) is checked against:
it never runs EdgeSplit code, it reads the shapes ONNX's own shape inference gives every value and
applies the rules documented in ModelImport.md:

- a value is *static* when it is an initializer, a Constant, a Shape/Size, or computed from static
  values only; every other value is a *feature map* with a *producer* (a layer, or None for the
  model input);
- layers: Conv, Gemm, MatMul, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, ReduceMean,
  ReduceMax, Resize, Concat of two or more inputs, and an element-wise binary operator whose two
  feature inputs come from different producers; every other operator is folded into the producer
  of its first input (a view or an element-wise operator);
- FLOPs = 2 x MACs: Conv Cout*Hout*Wout*(Cin/groups)*kH*kW, Gemm M*K*N, MatMul (output elements)*K,
  every other layer 0;
- parameters (elements): Conv/Gemm weights and bias, a MatMul's constant operand, a Concat's float
  constant inputs of more than one element; folded into the producer: BatchNormalization 2 per
  channel, LayerNormalization/InstanceNormalization/GroupNormalization their scale and bias, an
  element-wise operator's float constant operand of more than one element;
- output bytes = 4 x elements of the layer's first output (fp32).

Used by Tests/ModelImportTests/Fixtures/torchvision/export.py (the expected JSON of each corpus
model) and by scripts/profile-onnx (which onnxruntime nodes make up which layer).
"""
import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference
from onnx.reference import ReferenceEvaluator

LAYER_OPS = {"Conv", "Gemm", "MatMul", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
             "ReduceMean", "ReduceMax", "Resize"}
BINARY = {"Add", "Sub", "Mul", "Div", "Pow", "PRelu", "Max", "Min"}
NORMS = {"LayerNormalization", "InstanceNormalization", "GroupNormalization"}
FLOATS = {1, 10, 11, 16}
ALWAYS_STATIC = {"Constant", "Shape", "Size"}


def _prod(values):
    out = 1
    for v in values:
        out *= v
    return out


def fix_input(model, shape):
    """The model with its one feature input's dimensions set to `shape` (a list of ints)."""
    inits = {t.name for t in model.graph.initializer}
    for value in model.graph.input:
        if value.name in inits:
            continue
        dims = value.type.tensor_type.shape.dim
        for dim, side in zip(dims, shape):
            dim.Clear()
            dim.dim_value = side
    return model


def _shapes(model):
    shapes = {}
    for value in list(model.graph.input) + list(model.graph.value_info) + list(model.graph.output):
        tensor_type = value.type.tensor_type
        if tensor_type.HasField("shape"):
            shapes[value.name] = [d.dim_value if d.HasField("dim_value") else None for d in tensor_type.shape.dim]
    return shapes


def fold_shape_subgraphs(model):
    """Replaces the nodes that compute small integer tensors from constants and from the shapes of
    feature maps (Shape -> Gather -> Div -> Slice, ...) by Constant nodes, with ONNX's reference
    evaluator, repeating shape inference until nothing changes: ONNX's own data propagation stops
    at operators such as Div, leaving later shapes unknown."""
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 18)
    for _ in range(50):
        inferred = shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
        shapes = _shapes(inferred)
        known = {}
        for tensor in model.graph.initializer:
            if tensor.data_location != onnx.TensorProto.EXTERNAL and tensor.data_type in (6, 7, 9):
                known[tensor.name] = numpy_helper.to_array(tensor)
        changed = False
        nodes = []
        for node in model.graph.node:
            value = None
            if node.op_type == "Constant":
                value = ReferenceEvaluator(node).run(None, {})[0]
                if value.dtype.kind not in "iub":
                    value = None
            elif node.op_type == "Shape" and shapes.get(node.input[0]) is not None \
                    and None not in shapes[node.input[0]]:
                value = ReferenceEvaluator(helper.make_model(helper.make_graph(
                    [node], "g", [helper.make_tensor_value_info(node.input[0], 1, shapes[node.input[0]])],
                    [helper.make_tensor_value_info(node.output[0], 7, None)]),
                    opset_imports=[helper.make_opsetid("", opset)])).run(
                    None, {node.input[0]: np.zeros(shapes[node.input[0]], np.float32)})[0]
            elif node.op_type not in ("Constant",) and node.input and all(i in known for i in node.input if i):
                model_1 = helper.make_model(helper.make_graph(
                    [node], "g", [helper.make_tensor_value_info(i, 1, None) for i in node.input if i],
                    [helper.make_tensor_value_info(o, 1, None) for o in node.output]),
                    opset_imports=[helper.make_opsetid("", opset)])
                outputs = ReferenceEvaluator(model_1).run(None, {i: known[i] for i in node.input if i})
                if len(outputs) == 1 and outputs[0].dtype.kind in "iub" and outputs[0].size <= 1 << 16:
                    value = outputs[0]
            if value is not None:
                known[node.output[0]] = np.asarray(value)
                if node.op_type != "Constant":
                    changed = True
                    node = helper.make_node("Constant", [], [node.output[0]], name=node.name,
                                            value=numpy_helper.from_array(np.asarray(value), node.output[0]))
            nodes.append(node)
        del model.graph.node[:]
        model.graph.node.extend(nodes)
        if not changed:
            return model
    return model


def analyse(model):
    """[{name, op, type, flops, output_bytes, param_bytes, inputs, nodes}] for every layer, in node
    order, plus {node name: layer name} for the nodes folded into a layer."""
    model = shape_inference.infer_shapes(fold_shape_subgraphs(model), strict_mode=False, data_prop=True)
    graph = model.graph
    shapes, types = {}, {}
    for value in list(graph.input) + list(graph.value_info) + list(graph.output):
        tensor_type = value.type.tensor_type
        types[value.name] = tensor_type.elem_type
        if tensor_type.HasField("shape"):
            dims = [d.dim_value if d.HasField("dim_value") else None for d in tensor_type.shape.dim]
            shapes[value.name] = dims
    for tensor in graph.initializer:
        shapes[tensor.name] = list(tensor.dims)
        types[tensor.name] = tensor.data_type

    static = {t.name for t in graph.initializer}
    producer = {}  # feature map -> layer name (None: the model input)
    for value in graph.input:
        if value.name not in static:
            producer[value.name] = None
    layers, index, folded = [], {}, {}

    def elements(name):
        dims = shapes.get(name)
        if dims is None or any(d is None for d in dims):
            raise ValueError(f"no static shape for '{name}'")
        return _prod(dims)

    def is_param(name):
        return name in static and types.get(name) in FLOATS and elements(name) > 1

    def add_params(feature, count, node_name):
        owner = producer[feature]
        if owner is None:
            raise ValueError(f"node {node_name}: parameters on the model input")
        layers[index[owner]]["param_bytes"] += 4 * count

    for number, node in enumerate(graph.node):
        name = node.name or (node.output[0] if node.output and node.output[0] else f"{node.op_type}_{number}")
        inputs = [i for i in node.input if i]
        features = [i for i in inputs if i in producer]
        if node.op_type in ALWAYS_STATIC or not features:
            static.update(o for o in node.output if o)
            continue
        op = node.op_type
        first = features[0]
        distinct = []
        for f in features:
            if producer[f] not in distinct:
                distinct.append(producer[f])
        is_layer = op in LAYER_OPS or (op == "Concat" and len(inputs) >= 2) or \
            (op in BINARY and len(features) == 2 and len(distinct) == 2)
        if not is_layer:
            for output in node.output:
                if output:
                    producer[output] = producer[first]
            folded[name] = producer[first]
            if op == "BatchNormalization":
                add_params(first, 2 * shapes[first][1], name)
            elif op in NORMS:
                add_params(first, sum(elements(i) for i in node.input[1:] if i and i in static), name)
            elif op in BINARY:
                for i in inputs:
                    if is_param(i):
                        add_params(first, elements(i), name)
            continue
        out = node.output[0]
        out_shape = shapes[out]
        flops, params = 0, 0
        if op == "Conv":
            w = shapes[node.input[1]]
            flops = 2 * _prod(out_shape[1:]) * w[1] * _prod(w[2:])
            params = sum(elements(i) for i in node.input[1:] if i)
        elif op == "Gemm":
            a = shapes[node.input[0]]
            trans_a = next((a_.i for a_ in node.attribute if a_.name == "transA"), 0)
            k = a[0] if trans_a else a[1]
            flops = 2 * _prod(out_shape) * k
            params = sum(elements(i) for i in node.input[1:] if i)
        elif op == "MatMul":
            a = shapes[node.input[0]]
            flops = 2 * _prod(out_shape) * a[-1]
            params = sum(elements(i) for i in node.input if i in static)
        elif op == "Concat":
            params = sum(elements(i) for i in inputs if is_param(i))
        layer = {
            "name": name, "op": op, "flops": flops, "output_bytes": 4 * elements(out),
            "param_bytes": 4 * params, "inputs": [p for p in distinct if p is not None],
            "shape": out_shape, "nodes": [name],
        }
        index[name] = len(layers)
        layers.append(layer)
        for output in node.output:
            if output:
                producer[output] = name
    for node_name, owner in folded.items():
        if owner is not None:
            layers[index[owner]]["nodes"].append(node_name)
    return layers
