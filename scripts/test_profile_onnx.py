#!/usr/bin/env python3
"""Tests of scripts/profile-onnx (pip install onnx onnxruntime numpy; run: python3 scripts/test_profile_onnx.py).

A small residual network with real weights is built with onnx.helper, profiled with onnxruntime,
and checked: one row per layer of the importer's rules with the importer's names, every folded
node's time counted in its layer, the columns `solverbench import-csv` reads, --merge keeping the
other side's column, and a clear error for a symbolic input size.
"""
import csv
import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
loader = importlib.machinery.SourceFileLoader("profile_onnx", os.path.join(HERE, "profile-onnx"))
spec = importlib.util.spec_from_loader("profile_onnx", loader)
profile_onnx = importlib.util.module_from_spec(spec)
loader.exec_module(profile_onnx)


def tiny_model(path, symbolic=False):
    rng = np.random.default_rng(1)
    inits = [numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name) for name, shape in
             [("w1", (8, 3, 3, 3)), ("b1", (8,)), ("w2", (8, 8, 3, 3)), ("scale", (8,)), ("bias", (8,)),
              ("mean", (8,)), ("var", (8,)), ("fc", (8, 10))]]
    inits[6] = numpy_helper.from_array(np.ones(8, np.float32), "var")
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c2", "scale", "bias", "mean", "var"], ["n2"], name="bn2"),
        helper.make_node("Add", ["n2", "r1"], ["a"], name="add"),
        helper.make_node("GlobalAveragePool", ["a"], ["p"], name="pool"),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
        helper.make_node("MatMul", ["f", "fc"], ["y"], name="fc"),
    ]
    dims = ["N", 3, "H", "W"] if symbolic else [1, 3, 32, 32]
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


class ProfileTests(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.model = os.path.join(self.folder, "tiny.onnx")
        tiny_model(self.model)

    def test_rows_are_the_importers_layers(self):
        rows = profile_onnx.rows(self.model, runs=3, warmup=1)
        self.assertEqual([r["layer"] for r in rows], ["conv1", "conv2", "add", "pool", "fc"])
        self.assertEqual([r["inputs"] for r in rows], ["", "conv1", "conv2;conv1", "add", "pool"])
        self.assertEqual([r["type"] for r in rows], ["conv", "conv", "add", "pool", "fc"])
        self.assertEqual(rows[1]["param_bytes"], 4 * (8 * 8 * 9 + 2 * 8))  # BN: 2 parameters per channel
        self.assertTrue(all(float(r["device_ms"]) > 0 and r["server_ms"] == "" for r in rows))

    def test_folded_nodes_count_in_their_layer(self):
        times = profile_onnx.node_times(self.model, [1, 3, 32, 32], runs=3, warmup=1, threads=1)
        self.assertIn("relu1", times)
        rows = {r["layer"]: float(r["device_ms"]) for r in profile_onnx.rows(self.model, runs=3, warmup=1)}
        self.assertGreaterEqual(rows["conv1"], 0)

    def test_cli_writes_the_csv_and_merges_the_other_side(self):
        device = os.path.join(self.folder, "device.csv")
        both = os.path.join(self.folder, "both.csv")
        script = os.path.join(HERE, "profile-onnx")
        subprocess.run([sys.executable, script, self.model, "-o", device, "--runs", "2"], check=True)
        subprocess.run([sys.executable, script, self.model, "--side", "server", "--merge", device, "-o", both,
                        "--runs", "2"], check=True)
        with open(both, newline="") as f:
            reader = csv.DictReader(f)
            self.assertEqual(reader.fieldnames, profile_onnx.COLUMNS)
            rows = list(reader)
        self.assertTrue(all(r["device_ms"] and r["server_ms"] for r in rows))

    def test_symbolic_sizes_need_the_input_shape(self):
        symbolic = os.path.join(self.folder, "symbolic.onnx")
        tiny_model(symbolic, symbolic=True)
        with self.assertRaises(SystemExit) as error:
            profile_onnx.rows(symbolic, runs=1, warmup=0)
        self.assertIn("--input-shape", str(error.exception))
        rows = profile_onnx.rows(symbolic, shape=[1, 3, 16, 16], runs=1, warmup=0)
        self.assertEqual(rows[0]["output_bytes"], 4 * 8 * 16 * 16)


if __name__ == "__main__":
    unittest.main()
