#!/usr/bin/env python3
"""Exports the torchvision corpus of ModelImportTests: real architectures, graph only.

    pip install torch torchvision onnx onnxscript      # CPU wheels from PyPI are enough
    python3 export.py [model ...]                       # run from this folder; default: all

For every model it writes, next to this script:
- `<model>.onnx`: the graph exported by PyTorch (untrained weights, batch 1), with every tensor
  over 1 KiB moved to an external data file that is then deleted: the graph keeps each weight's
  shape (all the importer needs) and stays small; the small int64 tensors (Reshape targets,
  axes) stay inline;
- `<model>.expected.json`: every layer EdgeSplit should import, with its FLOPs, output bytes,
  parameter bytes and inputs, computed by scripts/onnx_layers.py from onnx.shape_inference only
  (never from EdgeSplit code). ModelImportTests compares the Swift import against it layer by layer.

Both PyTorch exporters are covered: `legacy` (torch.onnx.export(dynamo=False), TorchScript-based,
opset 13 or 17; untrained models get `Identity` nodes over shared zero biases) and `dynamo`
(torch.onnx.export(dynamo=True), opset 18, BatchNormalization kept, ReduceMean for adaptive
pooling). `dynamic` models are exported with symbolic batch, height and width (Shape/Gather/Concat
subgraphs in the graph) and imported with an explicit input shape.
"""
import json
import os
import sys

import onnx
import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "scripts"))
import onnx_layers  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> (constructor, input side, exporter, opset, dynamic H x W)
CORPUS = {
    "resnet18": ("resnet18", 224, "dynamo", 18, False),
    "resnet50": ("resnet50", 224, "legacy", 17, False),
    "mobilenet_v2": ("mobilenet_v2", 224, "dynamo", 18, False),
    "mobilenet_v3_small": ("mobilenet_v3_small", 224, "legacy", 17, False),
    "mobilenet_v3_large": ("mobilenet_v3_large", 224, "dynamo", 18, False),
    "efficientnet_b0": ("efficientnet_b0", 224, "dynamo", 18, False),
    "densenet121": ("densenet121", 224, "legacy", 13, False),
    "inception_v3": ("inception_v3", 299, "legacy", 17, False),
    "googlenet": ("googlenet", 224, "dynamo", 18, False),
    "shufflenet_v2_x1_0": ("shufflenet_v2_x1_0", 224, "legacy", 13, False),
    "shufflenet_v2_x0_5-dynamic": ("shufflenet_v2_x0_5", 224, "legacy", 17, True),
    "squeezenet1_1": ("squeezenet1_1", 224, "legacy", 13, False),
    "alexnet": ("alexnet", 224, "legacy", 17, False),
    "vgg11": ("vgg11", 224, "legacy", 13, False),
    "mnasnet0_5": ("mnasnet0_5", 224, "legacy", 17, False),
    "regnet_y_400mf": ("regnet_y_400mf", 224, "legacy", 17, False),
    "convnext_tiny": ("convnext_tiny", 224, "legacy", 17, False),
    "vit_b_16": ("vit_b_16", 224, "legacy", 17, False),
    "vit_b_16-dynamo": ("vit_b_16", 224, "dynamo", 18, False),
    "lraspp_mobilenet_v3_large": ("segmentation.lraspp_mobilenet_v3_large", 224, "legacy", 17, False),
}


class FirstOutput(torch.nn.Module):
    """Segmentation models return a dict; export its 'out' tensor."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x)["out"]


def build(constructor):
    module = torchvision.models
    for part in constructor.split(".")[:-1]:
        module = getattr(module, part)
    kwargs = {"weights": None}
    if constructor.startswith("segmentation."):
        kwargs["weights_backbone"] = None
    if constructor in ("inception_v3", "googlenet"):
        kwargs.update(aux_logits=False, init_weights=False)
    model = getattr(module, constructor.split(".")[-1])(**kwargs).eval()
    return FirstOutput(model) if constructor.startswith("segmentation.") else model


def strip_metadata(model):
    """Drops the dynamo exporter's per-node stack traces and doc strings (not read by importers)."""
    for node in model.graph.node:
        node.doc_string = ""
        del node.metadata_props[:]
    for value in model.graph.value_info:
        del value.metadata_props[:]
    model.graph.doc_string = ""


def export(name, keep_weights=False, folder=HERE):
    constructor, side, exporter, opset, dynamic = CORPUS[name]
    torch.manual_seed(0)
    model = build(constructor)
    x = torch.zeros(1, 3, side, side)
    path = os.path.join(folder, name + ".onnx")
    with torch.no_grad():
        if exporter == "dynamo":
            program = torch.onnx.export(model, (x,), dynamo=True, opset_version=opset, external_data=True)
            program.save(path, external_data=True)
        else:
            axes = {"input": {0: "N", 2: "H", 3: "W"}} if dynamic else None
            torch.onnx.export(model, (x,), path, dynamo=False, opset_version=opset, input_names=["input"],
                              output_names=["output"], dynamic_axes=axes)
    graph = onnx.load(path)
    strip_metadata(graph)
    data = name + ".onnx.data"
    for stale in (name + ".data", data):
        if os.path.exists(os.path.join(folder, stale)):
            os.remove(os.path.join(folder, stale))
    if keep_weights:
        onnx.save_model(graph, path)
    else:
        onnx.save_model(graph, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data, size_threshold=1024)
        os.remove(os.path.join(folder, data))
    return path, [1, 3, side, side]


def expected(name, path, shape):
    graph = onnx.load(path, load_external_data=False)
    if CORPUS[name][4]:
        graph = onnx_layers.fix_input(graph, shape)
    layers = onnx_layers.analyse(graph)
    document = {"model": name, "exporter": CORPUS[name][2], "opset": CORPUS[name][3], "inputShape": shape,
                "layers": [{k: layer[k] for k in ("name", "op", "flops", "output_bytes", "param_bytes", "inputs")}
                           for layer in layers]}
    with open(os.path.join(HERE, name + ".expected.json"), "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")
    return layers


def main(names):
    torch.set_num_threads(1)
    # nn.MultiheadAttention's inference fast path is one fused op the legacy exporter cannot write.
    torch.backends.mha.set_fastpath_enabled(False)
    for name in names or CORPUS:
        path, shape = export(name)
        layers = expected(name, path, shape)
        size = os.path.getsize(path)
        print(f"{name}: {len(layers)} layers, {sum(l['flops'] for l in layers) / 1e9:.3f} GFLOPs, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
