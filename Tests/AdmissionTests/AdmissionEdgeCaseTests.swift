import GLPKBinding
import Admission
import AdmissionMILP
import EdgeSplitModel
import Testing

/// Cases random generators rarely produce: output sizes twelve orders of magnitude apart,
/// server parts without work, deadlines at the evaluator's tolerance edge, absurd inputs.
@Suite struct AdmissionEdgeCaseTests {
  /// `big` (10^17 bytes out) and `small` (1 byte out) both read by `tail`, which does no work.
  private func lopsided() throws -> DNNModel {
    try DNNModel(name: "lopsided", inputBytes: 1e6, layers: [
      Layer(name: "big", type: .conv, flops: 1e9, outputBytes: 1e17, paramBytes: 0, inputs: []),
      Layer(name: "small", type: .conv, flops: 1e9, outputBytes: 1, paramBytes: 0, inputs: ["big"]),
      Layer(name: "tail", type: .exit, flops: 0, outputBytes: 4, paramBytes: 0, inputs: ["big", "small"]),
    ])
  }

  @Test func transferBytesNeverLoseSmallOutputsNextToHugeOnes() throws {
    let model = try lopsided()
    let profile = PrefixProfile(model)
    for p in 0..<profile.count {
      #expect(profile.transferBytes[p] == model.transferBytes(model.partition(devicePrefix: p)), "prefix \(p)")
    }
  }

  /// Deadlines exactly at, and a hair inside the tolerance around, each prefix's one-thread
  /// latency: the table's least thread count must equal the exhaustive scan, and the option it
  /// stores must pass the evaluator.
  @Test(arguments: [0.0, 1e-10, -1e-10])
  func zeroWorkServerPartsAtTheToleranceEdge(relativeShift: Double) throws {
    let model = try lopsided()
    let cloudlet = Cloudlet(name: "c", threads: 16, threadGflops: 10)
    let probe = try AdmissionInstance(name: "probe", models: [model], cloudlets: [cloudlet], requests: [
      InferenceRequest(name: "r", model: "lopsided", deviceGflops: 10, uplinkMbps: 100, delaysMs: [1], deadlineMs: 1e12)])
    for p in 0..<model.layers.count {
      let seconds = AdmissionEvaluator.latency(probe, request: 0, cloudlet: 0, devicePrefix: p, threads: 1)
      let request = InferenceRequest(name: "r", model: "lopsided", deviceGflops: 10, uplinkMbps: 100, delaysMs: [1],
                                     deadlineMs: seconds * 1000 * (1 + relativeShift))
      let instance = try AdmissionInstance(name: "edge", models: [model], cloudlets: [cloudlet], requests: [request, request].enumerated().map {
        var copy = $0.element
        copy.name = "r\($0.offset)"
        return copy
      })
      let table = AdmissionTable(instance)
      let option = try #require(table.cheapest(request: 0, cloudlet: 0), "prefix \(p)")
      #expect(option.threads == 1, "prefix \(p): a zero-work or one-thread-feasible server part needs one thread")
      let solution = AdmissionApproximation.solve(table)
      let verdict = AdmissionEvaluator.evaluate(solution, on: instance)
      #expect(verdict.violations == [])
      #expect(verdict.objective == 2, "both requests fit with one thread each")
      let exact = try AdmissionILP.solve(table, backend: GLPKSolver())
      #expect(exact.objective == 2)
    }
  }

  @Test func absurdInputsAreRejectedAtLoad() throws {
    let model = try lopsided()
    let request = InferenceRequest(name: "r", model: "lopsided", deviceGflops: 10, uplinkMbps: 100, delaysMs: [1], deadlineMs: 100)
    #expect(throws: FieldError("cloudlets[0].threads", "must be in 1...4096, got 1000000000")) {
      try AdmissionInstance(name: "x", models: [model], cloudlets: [Cloudlet(name: "c", threads: 1_000_000_000, threadGflops: 10)],
                            requests: [request])
    }
    var slow = request
    slow.deviceGflops = 1e-310  // positive and finite, but the device time overflows
    #expect(throws: FieldError("requests[0].deviceGflops", "makes model 'lopsided' on the device overflow to inf seconds")) {
      try AdmissionInstance(name: "x", models: [model], cloudlets: [Cloudlet(name: "c", threads: 4, threadGflops: 10)],
                            requests: [slow])
    }
  }
}
