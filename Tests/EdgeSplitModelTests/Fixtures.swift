import EdgeSplitModel

/// A diamond: `a` feeds `b` and `c`, which both feed `d`.
func diamond() throws -> DNNModel {
  try DNNModel(name: "diamond", inputBytes: 1000, layers: [
    Layer(name: "a", type: .conv, flops: 10e9, outputBytes: 400, paramBytes: 1, inputs: []),
    Layer(name: "b", type: .conv, flops: 20e9, outputBytes: 300, paramBytes: 1, inputs: ["a"]),
    Layer(name: "c", type: .conv, flops: 30e9, outputBytes: 200, paramBytes: 1, inputs: ["a"]),
    Layer(name: "d", type: .concat, flops: 40e9, outputBytes: 100, paramBytes: 0, inputs: ["b", "c"]),
  ])
}
