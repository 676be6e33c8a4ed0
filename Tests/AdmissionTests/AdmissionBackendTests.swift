import Admission
import AdmissionMILP
import CBCBinding
import EdgeSplitModel
import Foundation
import GLPKBinding
import ModelZoo
import Testing

/// The shipped hard P1 instances (`instances/admission-hard/*.json`), by file name.
func shippedHardInstances() throws -> [(name: String, instance: AdmissionInstance)] {
  let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../instances/admission-hard").standardized
  let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
    .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
  return try files.map { file in (file.lastPathComponent, try InstanceIO.load(AdmissionFamily.self, contentsOf: file)) }
}

/// Tiny seeded instances, half with integer weights.
func tinyInstance(seed: Int) throws -> AdmissionInstance {
  var generator = AdmissionGenerator()
  if seed % 2 == 1 { generator.weights = .uniform(1...5) }
  if seed % 3 == 0 { generator.demandOverCapacity = 2 }
  var rng = SeededGenerator(seed: UInt64(seed))
  return try generator.generate(name: "tiny-\(seed)", models: tinyModels, requests: rng.integer(in: 2...12),
                                cloudlets: rng.integer(in: 1...3), seed: UInt64(seed))
}

@Suite("P1 exact results cross-checked between GLPK and CBC") struct AdmissionBackendTests {
  static let backends: [any MILPSolver] = [GLPKSolver(), CBCSolver()]

  /// Solves `instance` with both backends and both formulations (the full one when small) and
  /// checks every result is optimal, feasible and equal; returns the optimum.
  @discardableResult
  func crossCheck(_ name: String, _ instance: AdmissionInstance, full: Bool) throws -> Double? {
    let table = AdmissionTable(instance)
    var optimum: Double?
    for backend in Self.backends {
      for formulation in full ? AdmissionILP.Formulation.allCases : [.pruned] {
        let outcome = try AdmissionILP.solve(table, backend: backend, formulation: formulation)
        #expect(outcome.termination == .optimal, "\(name) \(backend.id) \(formulation): \(outcome.termination)")
        #expect(outcome.statistics.backend == backend.id)
        let verdict = AdmissionEvaluator.evaluate(try #require(outcome.solution), on: instance)
        #expect(verdict.violations == [], "\(name) \(backend.id)")
        if let optimum {
          #expect(abs(verdict.objective - optimum) < 1e-6, "\(name) \(backend.id) \(formulation)")
        }
        optimum = optimum ?? verdict.objective
        #expect(outcome.bound.map { abs($0 - verdict.objective) < 1e-6 } == true)
      }
    }
    return optimum
  }

  @Test(arguments: 0..<24)
  func backendsAgreeWithBruteForceOnTinyInstances(seed: Int) throws {
    let instance = try tinyInstance(seed: seed)
    let optimum = try crossCheck("tiny-\(seed)", instance, full: true)
    #expect(optimum == bruteForceOptimum(instance))
  }

  @Test func backendsAgreeOnEveryShippedSmallAndHardInstance() throws {
    let shipped = try shippedSmallInstances() + shippedHardInstances()
    #expect(shipped.count >= 16)
    for (name, instance) in shipped { try crossCheck(name, instance, full: false) }
  }

  @Test func lpBoundsAgreeBetweenBackends() throws {
    for (name, instance) in try shippedHardInstances() {
      let table = AdmissionTable(instance)
      let glpk = try AdmissionILP.relaxationBound(table, backend: GLPKSolver())
      let cbc = try AdmissionILP.relaxationBound(table, backend: CBCSolver())
      #expect(glpk != nil && glpk == cbc, "\(name)")
    }
  }

  /// A limit that stops the backend at once still yields an incumbent at least as good as the
  /// start, and a bound no better than the truth.
  @Test(arguments: [0, 1])
  func limitedRunKeepsTheStartAndAnHonestBound(backend: Int) throws {
    let (name, instance) = try shippedHardInstances().last!
    let table = AdmissionTable(instance)
    let optimum = try #require(try AdmissionILP.solve(table, backend: GLPKSolver()).objective)
    let start = table.weight(of: AdmissionILP.bestKnownSolution(table))
    let outcome = try AdmissionILP.solve(table, backend: Self.backends[backend], options: SolverOptions(timeLimit: 0.001))
    switch outcome.termination {
    case .optimal, .feasible(limit: .time): break
    default: Issue.record("\(name): \(outcome.termination)")
    }
    let solution = try #require(outcome.solution)
    let verdict = AdmissionEvaluator.evaluate(solution, on: instance)
    #expect(verdict.violations == [])
    #expect(verdict.objective >= start && verdict.objective <= optimum)
    if let bound = outcome.bound { #expect(bound >= optimum - 1e-6) }
  }

  /// CBC's limit is on the wall clock (`timeMode elapsed`): on a 2,000 × 50 correlated instance
  /// that it does not prove in a second, a 1 s limit ends the solve within a few seconds.
  @Test func cbcStopsNearItsWallClockLimit() throws {
    var generator = AdmissionGenerator()
    generator.demandOverCapacity = 3
    generator.weights = .correlated(extra: 1...10)
    let instance = try generator.generate(name: "wall", models: [.alexnet, .resnet18, .mobilenetv2, .googlenet, .vgg16, .tinyyolov2].map(ModelZoo.model),
                                          requests: 2_000, cloudlets: 50, seed: 515)
    let model = AdmissionILP.model(AdmissionTable(instance))
    let start = ContinuousClock.now
    let result = try CBCSolver().solve(model, options: MILPOptions(timeLimit: 1))
    let elapsed = ContinuousClock.now - start
    #expect(elapsed < .seconds(6), "CBC ran \(elapsed) under a 1 s limit (\(result.termination))")
  }
}

@Suite struct AdmissionHardFamilyTests {
  @Test(arguments: [1.5, 2, 3])
  func generatorReachesTheRequestedTightness(ratio: Double) throws {
    var generator = AdmissionGenerator()
    generator.demandOverCapacity = ratio
    generator.weights = .correlated(extra: 1...10)
    let instance = try generator.generate(name: "h", models: tinyModels, requests: 300, cloudlets: 12, seed: 9)
    let table = AdmissionTable(instance)
    let measured = Double(AdmissionGenerator.demand(table)) / Double(instance.cloudlets.reduce(0) { $0 + $1.threads })
    #expect(abs(measured - ratio) / ratio < 0.1, "measured \(measured)")
    for (r, request) in instance.requests.enumerated() {
      let need = instance.cloudlets.indices.compactMap { table.threads(request: r, cloudlet: $0) }.min() ?? 0
      #expect(request.weight == request.weight.rounded() && (need + 1...need + 10).contains(Int(request.weight)))
    }
  }

  /// The heuristics are feasible, the local search never loses the approximation's weight, and
  /// the Lagrangian bound is a bound.
  @Test func heuristicsAreFeasibleAndBounded() throws {
    for (name, instance) in try shippedSmallInstances() + shippedHardInstances() {
      let table = AdmissionTable(instance)
      let optimum = try #require(try AdmissionILP.solve(table, backend: GLPKSolver()).objective)
      let approximation = table.weight(of: AdmissionApproximation.solve(table))
      let local = AdmissionLocalSearch.solve(table)
      let (lagrangian, bound) = AdmissionLagrangian.solve(table)
      for solution in [local, lagrangian] {
        let verdict = AdmissionEvaluator.evaluate(solution, on: instance)
        #expect(verdict.violations == [], "\(name)")
        #expect(verdict.objective >= approximation - 1e-9 && verdict.objective <= optimum + 1e-9, "\(name)")
      }
      if let bound { #expect(bound >= optimum - 1e-6, "\(name)") }
    }
  }
}

/// Weights at the edge of the backends' tolerances: a trivially admissible request of weight
/// 3·10⁻⁸, alone or beside weight-1 requests, is admitted by every exact formulation on both
/// backends (it used to get "optimal 0" from one of them).
@Suite struct AdmissionToleranceTests {
  private func instance(weights: [Double]) throws -> AdmissionInstance {
    let base = try tinyAdmission()
    let requests = weights.enumerated().map { i, weight in
      var request = base.requests[0]
      request.name = "r\(i)"
      request.weight = weight
      request.delaysMs = [5]
      return request
    }
    return try AdmissionInstance(name: "tolerance", models: base.models,
                                 cloudlets: [Cloudlet(name: "big", threads: 64, threadGflops: 10)], requests: requests)
  }

  @Test(arguments: [[3e-8], [1, 3e-8], [2, 1, 3e-8, 5e-9]])
  func tinyWeightsAreAdmitted(weights: [Double]) throws {
    let instance = try instance(weights: weights)
    let table = AdmissionTable(instance)
    for backend in AdmissionBackendTests.backends {
      for formulation in AdmissionILP.Formulation.allCases {
        let outcome = try AdmissionILP.solve(table, backend: backend, formulation: formulation)
        let solution = try #require(outcome.solution)
        #expect(outcome.termination == .optimal, "\(backend.id) \(formulation)")
        #expect(solution.admissions.count == weights.count, "\(backend.id) \(formulation): \(outcome)")
        #expect(outcome.objective == table.weight(of: solution))
      }
      let bound = try #require(try AdmissionILP.relaxationBound(table, backend: backend))
      #expect(bound >= weights.reduce(0, +) * (1 - 1e-9), "\(backend.id) LP bound \(bound)")
    }
  }
}
