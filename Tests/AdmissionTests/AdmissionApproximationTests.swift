import Admission
import AdmissionMILP
import EdgeSplitModel
import Foundation
import GLPKBinding
import Testing

/// Every heuristic and approximate P1 algorithm, by name, for checks they all must pass.
private let algorithms: [(name: String, solve: @Sendable (AdmissionTable) -> AdmissionSolution)] = [
  ("approx", AdmissionApproximation.solve),
  ("fewest-threads", AdmissionGreedy.fewestThreadsFirst),
  ("edf-best-fit", AdmissionGreedy.earliestDeadlineBestFit),
  ("first-fit", AdmissionGreedy.firstFit),
]

/// Checks, on one instance: the exact optimum is reached, every algorithm's solution is feasible
/// and no better than it, the approximation reaches half of it, and the LP bound is above it.
/// Returns (approximation, optimum) for aggregate checks.
@discardableResult
private func checkAgainstOptimum(_ instance: AdmissionInstance, _ label: String) throws -> (approx: Double, optimum: Double) {
  let table = AdmissionTable(instance)
  let exact = try AdmissionILP.solve(table, backend: GLPKSolver(), formulation: .pruned)
  try #require(exact.termination == .optimal, "\(label)")
  let optimum = try #require(exact.objective)
  var approx = 0.0
  for algorithm in algorithms {
    let verdict = AdmissionEvaluator.evaluate(algorithm.solve(table), on: instance)
    #expect(verdict.violations == [], "\(algorithm.name) on \(label)")
    #expect(verdict.objective <= optimum + 1e-9, "\(algorithm.name) on \(label) beats the optimum")
    if algorithm.name == "approx" { approx = verdict.objective }
  }
  #expect(approx >= 0.5 * optimum - 1e-9, "ratio broken on \(label): \(approx) vs optimum \(optimum)")
  let bound = try #require(try AdmissionILP.relaxationBound(table, backend: GLPKSolver()))
  #expect(bound >= optimum - 1e-9, "LP bound \(bound) below the optimum \(optimum) on \(label)")
  return (approx, optimum)
}

/// A generated instance reshaped for adversarial cases.
private enum Shape: CaseIterable {
  /// The generator as shipped.
  case plain
  /// Loose deadlines: nearly every request needs one thread anywhere (equal sizes).
  case equalSizes
  /// Tight deadlines: requests need many threads, few fit.
  case tight
  /// One cloudlet with many threads and the rest with one or two.
  case oneBigManySmall
  /// Integer weights 1–9 on the plain generator.
  case weighted
  /// Integer weights with one big and many small cloudlets.
  case weightedOneBig
}

private func randomInstance(seed: Int) throws -> AdmissionInstance {
  var rng = SeededGenerator(seed: UInt64(10_000 + seed))
  let shape = Shape.allCases[seed % Shape.allCases.count]
  var generator = AdmissionGenerator()
  switch shape {
  case .equalSizes: generator.tightness = 3...4
  case .tight: generator.tightness = 0.3...0.7
  default: break
  }
  let cloudletCount = rng.integer(in: 1...5)
  let base = try generator.generate(name: "random-\(seed)", models: tinyModels, requests: rng.integer(in: 3...40),
                                    cloudlets: cloudletCount, seed: UInt64(seed))
  var cloudlets = base.cloudlets
  var requests = base.requests
  if shape == .oneBigManySmall || shape == .weightedOneBig {
    for c in cloudlets.indices { cloudlets[c].threads = c == 0 ? 32 : rng.integer(in: 1...2) }
  }
  if shape == .weighted || shape == .weightedOneBig {
    for r in requests.indices { requests[r].weight = Double(rng.integer(in: 1...9)) }
  }
  return try AdmissionInstance(name: base.name, models: base.models, cloudlets: cloudlets, requests: requests)
}

@Suite struct AdmissionApproximationTests {
  @Test func ratioHoldsOnEveryShippedSmallInstance() throws {
    let shipped = try shippedSmallInstances()
    #expect(shipped.count >= 10)
    for (name, instance) in shipped { try checkAgainstOptimum(instance, name) }
  }

  @Test func ratioHoldsOnSeededRandomInstances() throws {
    var belowOptimum = 0
    for seed in 0..<300 {
      let (approx, optimum) = try checkAgainstOptimum(try randomInstance(seed: seed), "seed \(seed)")
      if approx < optimum - 1e-9 { belowOptimum += 1 }
    }
    // The instances must not all be trivial for the algorithm.
    #expect(belowOptimum > 0)
  }

  /// The example that shows ½ is tight for the scheme: cloudlet `a` takes (by the tie-break) the
  /// request both could serve instead of the one only it can serve, and `b` is left with nothing.
  @Test func ratioIsTightOnTheTwoCloudletExample() throws {
    let model = tinyModels[0]
    let cloudlets = [Cloudlet(name: "a", threads: 1, threadGflops: 1000), Cloudlet(name: "b", threads: 1, threadGflops: 1000)]
    // "both" meets its deadline on either cloudlet; "onlyA" is out of reach of "b" (huge delay).
    let requests = [
      InferenceRequest(name: "both", model: model.name, deviceGflops: 10, uplinkMbps: 1000, delaysMs: [1, 1], deadlineMs: 10_000),
      InferenceRequest(name: "onlyA", model: model.name, deviceGflops: 10, uplinkMbps: 1000, delaysMs: [1, 20_000], deadlineMs: 10_000),
    ]
    let instance = try AdmissionInstance(name: "tight", models: [model], cloudlets: cloudlets, requests: requests)
    let table = AdmissionTable(instance)
    #expect(table.threads(request: 0, cloudlet: 1) == 1 && table.threads(request: 1, cloudlet: 1) == nil)
    #expect(AdmissionEvaluator.evaluate(AdmissionApproximation.solve(table), on: instance).objective == 1)
    #expect(try AdmissionILP.solve(table, backend: GLPKSolver()).objective == 2)
  }
}

@Suite struct KnapsackTests {
  /// Best profit over all subsets that fit, by enumeration.
  private func bruteForce(_ sizes: [Int], _ profits: [Double], _ capacity: Int) -> Double {
    (0..<(1 << sizes.count)).reduce(0.0) { best, mask in
      let members = sizes.indices.filter { mask & (1 << $0) != 0 }
      guard members.reduce(0, { $0 + sizes[$1] }) <= capacity else { return best }
      return max(best, members.reduce(0) { $0 + profits[$1] })
    }
  }

  private func check(_ chosen: [Int], _ sizes: [Int], _ profits: [Double], _ capacity: Int) -> Double? {
    guard Set(chosen).count == chosen.count, chosen.allSatisfy(sizes.indices.contains),
          chosen.reduce(0, { $0 + sizes[$1] }) <= capacity else { return nil }
    return chosen.reduce(0) { $0 + profits[$1] }
  }

  @Test(arguments: 0..<200)
  func bothKnapsacksMatchBruteForce(seed: Int) {
    var rng = SeededGenerator(seed: UInt64(seed))
    let count = rng.integer(in: 0...10)
    let sizes = (0..<count).map { _ in rng.integer(in: 1...7) }
    let profits = (0..<count).map { _ in Double(rng.integer(in: 1...9)) }
    let capacity = rng.integer(in: 0...16)
    let units = [Double](repeating: 1, count: count)

    let unit = AdmissionApproximation.unitKnapsack(sizes: sizes, capacity: capacity)
    #expect(check(unit, sizes, units, capacity) == bruteForce(sizes, units, capacity), "unit, seed \(seed)")
    let weighted = AdmissionApproximation.knapsack(sizes: sizes, profits: profits, capacity: capacity)
    #expect(check(weighted, sizes, profits, capacity) == bruteForce(sizes, profits, capacity), "weighted, seed \(seed)")
  }
}
