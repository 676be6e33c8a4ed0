@testable import Admission
import AdmissionMILP
import CBCBinding
import EdgeSplitModel
import GLPKBinding
import ModelZoo
import Testing

/// `p1-lagrangian-exact` (Lagrangian fixing, then the ILP on the core) against brute force and
/// both backends' pruned ILP.
@Suite struct AdmissionFixingTests {
  static let backends: [any MILPSolver] = [GLPKSolver(), CBCSolver()]

  /// Tight tiny instances (demand 2–3× capacity, integer or fractional weights), where the
  /// relaxation has work to do.
  func tightTinyInstance(seed: Int) throws -> AdmissionInstance {
    var generator = AdmissionGenerator()
    generator.demandOverCapacity = [2.0, 3.0][seed % 2]
    generator.weights = [.uniform(1...9), .correlated(extra: 1...3), .inverselyCorrelated(base: 8, extra: 1...2)][seed % 3]
    var rng = SeededGenerator(seed: UInt64(seed))
    return try generator.generate(name: "tight-\(seed)", models: tinyModels, requests: rng.integer(in: 4...10),
                                  cloudlets: rng.integer(in: 1...3), seed: UInt64(1_000 + seed))
  }

  /// The method's optimum, checked feasible by the evaluator, with a bound equal to it (and the outcome).
  func provenOptimum(_ name: String, _ instance: AdmissionInstance, _ backend: any MILPSolver) throws
    -> (value: Double, outcome: SolverOutcome<AdmissionSolution>)
  {
    let outcome = try AdmissionFixing.solve(AdmissionTable(instance), backend: backend)
    #expect(outcome.termination == .optimal, "\(name) \(backend.id): \(outcome.termination)")
    let verdict = AdmissionEvaluator.evaluate(try #require(outcome.solution), on: instance)
    #expect(verdict.violations == [], "\(name)")
    #expect(outcome.objective.map { abs($0 - verdict.objective) < 1e-9 } == true, "\(name)")
    #expect(outcome.bound.map { abs($0 - verdict.objective) < 1e-9 } == true, "\(name)")
    return (verdict.objective, outcome)
  }

  @Test(arguments: 0..<30)
  func agreesWithBruteForceOnTightTinyInstances(seed: Int) throws {
    for instance in [try tightTinyInstance(seed: seed), try tinyInstance(seed: seed)] {
      let optimum = bruteForceOptimum(instance)
      for backend in Self.backends {
        #expect(abs(try provenOptimum(instance.name, instance, backend).value - optimum) < 1e-9, "\(instance.name) \(backend.id)")
      }
    }
  }

  /// Same optimum as the pruned ILP on every shipped small and hard instance and on three
  /// 300 × 20 tight ones, where the fixing drops columns and the core goes to the backend (the
  /// path under test is taken).
  @Test func agreesWithTheILPOnShippedAndTightInstances() throws {
    var fixed = 0.0, coreSolves = 0
    var tight: [(name: String, instance: AdmissionInstance)] = []
    for (i, ratio) in [1.5, 2, 2.5].enumerated() {
      var generator = AdmissionGenerator()
      generator.demandOverCapacity = ratio
      generator.weights = .uniform(1...10)
      let instance = try generator.generate(name: "tight-300-\(i)", models: tinyModels, requests: 300, cloudlets: 20, seed: UInt64(504 + i))
      tight.append((instance.name, instance))
    }
    for (name, instance) in try shippedSmallInstances() + shippedHardInstances() + tight {
      let reference = try #require(try AdmissionILP.solve(AdmissionTable(instance), backend: CBCSolver()).objective)
      let (value, outcome) = try provenOptimum(name, instance, GLPKSolver())
      fixed += outcome.statistics.counters["fixedColumns"] ?? 0
      if outcome.statistics.backend != nil { coreSolves += 1 }
      #expect(abs(value - reference) < 1e-6, "\(name)")
    }
    #expect(fixed > 0 && coreSolves > 0, "fixed \(fixed), core solves \(coreSolves)")
  }

  /// A limit that stops it at once leaves a feasible incumbent and a bound no better than the truth.
  @Test func stoppedRunIsHonest() throws {
    let (name, instance) = try shippedHardInstances().last!
    let table = AdmissionTable(instance)
    let optimum = try #require(try AdmissionILP.solve(table, backend: CBCSolver()).objective)
    let outcome = try AdmissionFixing.solve(table, backend: GLPKSolver(), options: SolverOptions(timeLimit: 0.001))
    let verdict = AdmissionEvaluator.evaluate(try #require(outcome.solution), on: instance)
    #expect(verdict.violations == [] && verdict.objective <= optimum + 1e-9, "\(name)")
    #expect(try #require(outcome.bound) >= optimum - 1e-6, "\(name)")
    if outcome.termination == .optimal { #expect(abs(verdict.objective - optimum) < 1e-9) }
  }

  /// The candidate filter of the Lagrangian steps (at most `⌊K_c / s⌋` of each size, the most
  /// profitable) changes no knapsack optimum at any capacity.
  @Test(arguments: 0..<6)
  func filteredKnapsacksMatchTheFullOnes(seed: Int) throws {
    let instance = try tightTinyInstance(seed: seed + 40)
    let table = AdmissionTable(instance)
    var rng = SeededGenerator(seed: UInt64(seed))
    let lambda = instance.requests.map { $0.weight * rng.uniform(in: 0...1.2) }
    let (profiles, _) = AdmissionLagrangian.profiles(table, multipliers: lambda)
    for c in instance.cloudlets.indices {
      let items = instance.requests.indices.compactMap { r in table.threads(request: r, cloudlet: c).map { (r, $0) } }
      let profits = items.map { max(0, instance.requests[$0.0].weight - lambda[$0.0]) }
      for k in 0...instance.cloudlets[c].threads {
        let chosen = AdmissionApproximation.knapsack(sizes: items.map(\.1), profits: profits, capacity: k)
        let full = chosen.reduce(0) { $0 + profits[$1] }
        #expect(abs(profiles[c][k] - full) < 1e-9, "seed \(seed) cloudlet \(c) capacity \(k)")
      }
    }
  }
}
