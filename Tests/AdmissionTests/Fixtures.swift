import Admission
import EdgeSplitModel

/// One diamond request, two cloudlets.
func tinyAdmission() throws -> AdmissionInstance {
  try AdmissionInstance(
    name: "tiny", models: [diamondModel()],
    cloudlets: [Cloudlet(name: "c0", threads: 4, threadGflops: 10),
                Cloudlet(name: "c1", threads: 2, threadGflops: 20)],
    requests: [
      InferenceRequest(name: "r0", model: "diamond", deviceGflops: 10, uplinkMbps: 8,
                       delaysMs: [5, 10], deadlineMs: 10_000),
      InferenceRequest(name: "r1", model: "diamond", deviceGflops: 10, uplinkMbps: 8,
                       delaysMs: [5, 10], deadlineMs: 10_000),
    ])
}

/// The four-layer diamond of the model tests (`a` feeds `b` and `c`, which both feed `d`).
func diamondModel() throws -> DNNModel {
  try DNNModel(name: "diamond", inputBytes: 1000, layers: [
    Layer(name: "a", type: .conv, flops: 10e9, outputBytes: 400, paramBytes: 1, inputs: []),
    Layer(name: "b", type: .conv, flops: 20e9, outputBytes: 300, paramBytes: 1, inputs: ["a"]),
    Layer(name: "c", type: .conv, flops: 30e9, outputBytes: 200, paramBytes: 1, inputs: ["a"]),
    Layer(name: "d", type: .concat, flops: 40e9, outputBytes: 100, paramBytes: 0, inputs: ["b", "c"]),
  ])
}

