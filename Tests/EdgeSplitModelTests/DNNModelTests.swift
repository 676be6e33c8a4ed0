import Testing
@testable import EdgeSplitModel

@Suite struct DNNModelTests {
  @Test func diamondGraphIsIndexed() throws {
    let model = try diamond()
    #expect(model.predecessors == [[], [0], [0], [1, 2]])
    #expect(model.successors == [[1, 2], [3], [3], []])
    #expect(model.topologicalOrder == [0, 1, 2, 3])
    #expect(!model.isChain)
    #expect(model.totalFlops == 100e9)
  }

  @Test func topologicalOrderIsStableWhenFileOrderIsNot() throws {
    let model = try DNNModel(name: "m", inputBytes: 1, layers: [
      Layer(name: "late", type: .fc, flops: 1, outputBytes: 1, paramBytes: 0, inputs: ["early"]),
      Layer(name: "early", type: .fc, flops: 1, outputBytes: 1, paramBytes: 0, inputs: []),
      Layer(name: "side", type: .fc, flops: 1, outputBytes: 1, paramBytes: 0, inputs: []),
    ])
    #expect(model.topologicalOrder == [1, 0, 2])
  }

  @Test func danglingInputNamesTheField() {
    #expect(throws: FieldError("layers[1].inputs[0]", "layer 'b' reads 'nowhere', which is not a layer of this model")) {
      try DNNModel(name: "m", inputBytes: 1, layers: [
        Layer(name: "a", type: .fc, flops: 1, outputBytes: 1, paramBytes: 0, inputs: []),
        Layer(name: "b", type: .fc, flops: 1, outputBytes: 1, paramBytes: 0, inputs: ["nowhere"]),
      ])
    }
  }

  @Test func cycleIsRejected() {
    #expect(throws: FieldError("layers", "the layer graph has a cycle through b, c")) {
      try DNNModel(name: "m", inputBytes: 1, layers: [
        Layer(name: "a", type: .fc, flops: 1, outputBytes: 1, paramBytes: 0, inputs: []),
        Layer(name: "b", type: .fc, flops: 1, outputBytes: 1, paramBytes: 0, inputs: ["a", "c"]),
        Layer(name: "c", type: .fc, flops: 1, outputBytes: 1, paramBytes: 0, inputs: ["b"]),
      ])
    }
  }

  @Test func badNumbersAndNamesAreRejected() {
    let layer = Layer(name: "a", type: .fc, flops: 1, outputBytes: 1, paramBytes: 0, inputs: [])
    var negative = layer
    negative.outputBytes = -3
    #expect(throws: FieldError("layers[0].outputBytes", "must be >= 0, got -3.0")) {
      try DNNModel(name: "m", inputBytes: 1, layers: [negative])
    }
    #expect(throws: FieldError("layers[1].name", "duplicate layer name 'a'")) {
      try DNNModel(name: "m", inputBytes: 1, layers: [layer, layer])
    }
    #expect(throws: FieldError("inputBytes", "must be > 0, got 0.0")) {
      try DNNModel(name: "m", inputBytes: 0, layers: [layer])
    }
    #expect(throws: FieldError("parallelFraction", "must be in 0.0...1.0, got 1.5")) {
      try DNNModel(name: "m", inputBytes: 1, layers: [layer], parallelFraction: 1.5)
    }
  }

  @Test func transferCountsEachOutputOnceAndTheInputWhenNeeded() throws {
    let model = try diamond()
    #expect(model.transferBytes(.allOnServer(model)) == 1000)
    // Only `a` on the device: its output goes up once although b and c both read it.
    #expect(model.transferBytes(model.partition(devicePrefix: 1)) == 400)
    // a, b on the device: c still reads a; d reads b.
    #expect(model.transferBytes(model.partition(devicePrefix: 2)) == 700)
    #expect(model.transferBytes(model.partition(devicePrefix: 3)) == 500)
    #expect(model.transferBytes(model.partition(devicePrefix: 4)) == 0)
    #expect(model.deviceFlops(model.partition(devicePrefix: 2)) == 30e9)
    #expect(model.serverFlops(model.partition(devicePrefix: 2)) == 70e9)
  }

  @Test func partitionsMustBeClosedUnderPredecessors() throws {
    let model = try diamond()
    #expect(model.partitionProblem(Partition(onDevice: [true, false, true, false])) == nil)
    #expect(model.partitionProblem(Partition(onDevice: [false, true, false, false]))
            == "layer 'b' runs on the device but its input 'a' runs on the server")
    #expect(model.partitionProblem(Partition(onDevice: [true])) != nil)
  }

  @Test func amdahlSpeedupHasDiminishingReturns() throws {
    let model = try DNNModel(name: "m", inputBytes: 1, layers: [
      Layer(name: "a", type: .fc, flops: 1, outputBytes: 1, paramBytes: 0, inputs: [])], parallelFraction: 0.5)
    #expect(model.speedup(threads: 1) == 1)
    #expect(abs(model.speedup(threads: 2) - 1 / 0.75) < 1e-12)
    #expect(model.speedup(threads: 1000) < 2)
  }
}
