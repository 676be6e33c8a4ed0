#!/usr/bin/env python3
"""Makes the ONNX fixtures of ModelImportTests with the `onnx` package (pip install onnx).

Run from this folder: python3 make_onnx.py. The outputs are committed; tests never run this.
Weights are zeros (only their shapes matter); channel counts and input sizes are small so each
file stays well under 1 MB. ModelImportTests builds the same architectures with NetworkBuilder
and compares every layer.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper

OPSET = [helper.make_opsetid("", 13)]


class Graph:
    def __init__(self, name, input_shape):
        self.name = name
        self.nodes, self.inits = [], []
        self.input = helper.make_tensor_value_info("input", TensorProto.FLOAT, input_shape)

    def const(self, name, shape, dtype=np.float32, values=None):
        array = np.zeros(shape, dtype=dtype) if values is None else np.array(values, dtype=dtype)
        self.inits.append(onnx.numpy_helper.from_array(array, name))
        return name

    def node(self, op, inputs, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def conv(self, x, name, cin, cout, k, stride=1, pad=0, group=1, dilation=1, bias=True):
        inputs = [x, self.const(name + ".w", (cout, cin // group, k, k))]
        if bias:
            inputs.append(self.const(name + ".b", (cout,)))
        return self.node("Conv", inputs, name, kernel_shape=[k, k], strides=[stride, stride],
                         pads=[pad] * 4, group=group, dilations=[dilation, dilation])

    def bn(self, x, name, c):
        params = [self.const(f"{name}.{p}", (c,)) for p in ("scale", "bias", "mean", "var")]
        return self.node("BatchNormalization", [x] + params, name)

    def gemm(self, x, name, fin, fout, bias=True):
        inputs = [x, self.const(name + ".w", (fout, fin))]
        if bias:
            inputs.append(self.const(name + ".b", (fout,)))
        return self.node("Gemm", inputs, name, transB=1)

    def save(self, output, output_shape, check=True):
        out = helper.make_tensor_value_info(output, TensorProto.FLOAT, output_shape)
        graph = helper.make_graph(self.nodes, self.name, [self.input], [out], self.inits)
        model = helper.make_model(graph, opset_imports=OPSET, producer_name="edgesplit-fixtures")
        if check:
            onnx.checker.check_model(model)
        onnx.save(model, self.name + ".onnx")
        return model


def tiny_cnn():
    """A chain with every folded op: conv+Relu, max pool, conv+BN+LeakyRelu, dilated conv+Clip,
    average pool with ceil mode, Flatten, Gemm+Dropout, MatMul, Softmax."""
    g = Graph("tiny-cnn", ["N", 3, 16, 16])
    x = g.conv("input", "conv1", 3, 16, 3, pad=1)
    x = g.node("Relu", [x], "relu1")
    x = g.node("MaxPool", [x], "pool1", kernel_shape=[2, 2], strides=[2, 2])
    x = g.conv(x, "conv2", 16, 16, 3, pad=1, bias=False)
    x = g.bn(x, "bn2", 16)
    x = g.node("LeakyRelu", [x], "lrelu2", alpha=0.1)
    x = g.conv(x, "conv3", 16, 16, 3, pad=2, dilation=2)
    x = g.node("Clip", [x, g.const("zero", (), values=0.0), g.const("six", (), values=6.0)], "relu6")
    x = g.node("AveragePool", [x], "pool2", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    x = g.node("Flatten", [x], "flatten", axis=1)
    x = g.gemm(x, "fc1", 16 * 4 * 4, 32)
    x = g.node("Dropout", [x], "drop")
    x = g.node("MatMul", [x, g.const("fc2.w", (32, 10))], "fc2")
    x = g.node("Softmax", [x], "prob", axis=1)
    g.save(x, ["N", 10])


def resnet_block():
    """Stem, one strided ResNet basic block (a DAG: downsample branch + Add), a depthwise conv,
    an Inception-style Concat, global average pool, Reshape (constant shape) and Gemm."""
    g = Graph("resnet-block", [1, 3, 32, 32])
    x = g.conv("input", "conv1", 3, 16, 3, pad=1, bias=False)
    x = g.node("Relu", [g.bn(x, "bn1", 16)], "relu1")
    stem = g.node("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    y = g.conv(stem, "layer1.conv1", 16, 32, 3, stride=2, pad=1, bias=False)
    y = g.node("Relu", [g.bn(y, "layer1.bn1", 32)], "layer1.relu1")
    y = g.bn(g.conv(y, "layer1.conv2", 32, 32, 3, pad=1, bias=False), "layer1.bn2", 32)
    skip = g.bn(g.conv(stem, "layer1.downsample", 16, 32, 1, stride=2, bias=False), "layer1.bnd", 32)
    x = g.node("Relu", [g.node("Add", [y, skip], "layer1.add")], "layer1.relu")
    a = g.conv(x, "branch.dw", 32, 32, 3, pad=1, group=32, bias=False)
    b = g.node("MaxPool", [x], "branch.pool", kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1])
    b = g.conv(b, "branch.proj", 32, 16, 1)
    x = g.node("Concat", [a, b], "concat", axis=1)
    x = g.node("GlobalAveragePool", [x], "avgpool")
    x = g.node("Reshape", [x, g.const("shape", (2,), np.int64, [1, -1])], "reshape")
    x = g.gemm(x, "fc", 48, 10)
    g.save(x, [1, 10])


def alexnet_small():
    """torchvision AlexNet's layer structure at 224×224 with 1/8 of the conv channels and small
    fully connected layers (so the file stays small)."""
    g = Graph("alexnet-small", [1, 3, 224, 224])
    x = "input"
    for name, cin, cout, k, s, p in [("conv1", 3, 8, 11, 4, 2), ("conv2", 8, 24, 5, 1, 2),
                                     ("conv3", 24, 48, 3, 1, 1), ("conv4", 48, 32, 3, 1, 1),
                                     ("conv5", 32, 32, 3, 1, 1)]:
        x = g.node("Relu", [g.conv(x, name, cin, cout, k, stride=s, pad=p)], name + ".relu")
        if name in ("conv1", "conv2", "conv5"):
            pool = {"conv1": "pool1", "conv2": "pool2", "conv5": "pool5"}[name]
            x = g.node("MaxPool", [x], pool, kernel_shape=[3, 3], strides=[2, 2])
    x = g.node("Flatten", [x], "flatten")
    x = g.node("Relu", [g.gemm(x, "fc6", 32 * 6 * 6, 32)], "fc6.relu")
    x = g.node("Relu", [g.gemm(x, "fc7", 32, 32)], "fc7.relu")
    x = g.gemm(x, "fc8", 32, 10)
    g.save(x, [1, 10])


def unsupported():
    """A conv followed by an LSTM node: the importer must name the node and the op."""
    g = Graph("unsupported", [1, 3, 8, 8])
    x = g.conv("input", "conv1", 3, 4, 3, pad=1)
    g.nodes.append(helper.make_node("LSTM", [x], ["lstm.out"], name="lstm1", hidden_size=4))
    g.save("lstm.out", None, check=False)


def shape_only(name, dims):
    """A weight tensor with dimensions and no data (the importer reads only the shape)."""
    tensor = TensorProto(name=name, data_type=TensorProto.FLOAT)
    tensor.dims.extend(dims)
    return tensor


def huge():
    """Sizes whose counts would overflow: a 2^48-element input, and a Gemm of 2^30 → 2^40."""
    g = Graph("huge-input", [1, 1, 1 << 24, 1 << 24])
    g.save(g.node("Relu", ["input"], "relu"), None, check=False)
    g = Graph("huge-gemm", [1, 1024, 1024, 1024])
    x = g.node("Flatten", ["input"], "flatten")
    g.inits.append(shape_only("w", [1 << 30, 1 << 40]))
    g.save(g.node("MatMul", [x, "w"], "fc"), None, check=False)


def malformed():
    """The tiny CNN cut off in the middle of its graph: a length that runs past the end."""
    data = open("tiny-cnn.onnx", "rb").read()
    open("truncated.onnx", "wb").write(data[: len(data) // 2])


if __name__ == "__main__":
    tiny_cnn()
    resnet_block()
    alexnet_small()
    unsupported()
    huge()
    malformed()
