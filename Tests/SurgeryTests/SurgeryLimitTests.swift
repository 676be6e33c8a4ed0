import CBCBinding
import EdgeSplitModel
import Foundation
import GLPKBinding
import ModelZoo
import Surgery
import SurgeryMILP
import Testing

/// Five-layer instances at the magnitudes the loader accepts (FLOPs, bytes and measured times up
/// to 10³⁰, speeds from 10⁻¹⁵⁰ to 10¹⁵⁰): neither backend may call one infeasible, and an
/// `optimal` is always the brute-force optimum. Where a backend's tolerances let its claimed value
/// drift from its partition's exact value, the ILP says `tolerance limit, feasible` instead.
@Suite struct SurgeryLoaderLimitTests {
  @Test func exactBackendsNeverClaimWhatTheDataDoNotConfirm() throws {
    var rng = SeededGenerator(seed: 77)
    var tried = 0, downgraded = 0
    for seed in 0..<1500 {
      let lo = rng.uniform(in: -10...25), span = rng.uniform(in: 0...30)
      func mag() -> Double { rng.uniform(in: 0..<1) < 0.1 ? 0 : pow(10, min(30, lo + rng.uniform(in: 0...span))) }
      let shape = SyntheticNetworks.costDAG(layers: 5, width: 1 + seed % 2, seed: UInt64(seed))
      let measured = seed % 2 == 0
      let layers = shape.layers.map {
        Layer(name: $0.name, type: $0.type, flops: mag(), outputBytes: mag(), paramBytes: 0, inputs: $0.inputs,
              deviceMs: measured ? mag() : nil, serverMs: measured ? mag() : nil)
      }
      guard let model = try? DNNModel(name: "p\(seed)", inputBytes: max(mag(), 1), layers: layers),
            let instance = try? SurgeryInstance(
              name: "p\(seed)", model: model, deviceGflops: pow(10, rng.uniform(in: -150...150)),
              serverGflops: pow(10, rng.uniform(in: -150...150)), uplinkMbps: pow(10, rng.uniform(in: -150...150)),
              objective: seed % 3 == 0 ? .latency : .throughput) else { continue }
      tried += 1
      let brute = BruteForce(instance)
      let optimum = instance.objective == .latency ? brute.leastLatency : brute.leastLargestStage
      for backend in [GLPKSolver() as any MILPSolver, CBCSolver()] {
        let ilp = try SurgeryILP.solve(instance, backend: backend)
        let partition = try #require(ilp.solution, "seed \(seed) \(backend.id): \(ilp)")
        let value = SurgeryEvaluator.evaluate(partition, on: instance).objective
        #expect(ilp.objective.map { abs($0 - value) <= 1e-9 * max(abs($0), abs(value)) } == true, "seed \(seed) \(backend.id)")
        switch ilp.termination {
        case .optimal: #expect(close(value, optimum), "seed \(seed) \(backend.id): optimal \(value), brute force \(optimum)")
        case .feasible(limit: .tolerance): downgraded += 1
        default: Issue.record("seed \(seed) \(backend.id): \(ilp.termination)")
        }
      }
    }
    #expect(tried > 1000 && downgraded < tried / 20, "\(tried) instances, \(downgraded) runs downgraded")
  }
}
