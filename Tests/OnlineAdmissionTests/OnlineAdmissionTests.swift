import Admission
import AdmissionMILP
import CBCBinding
import EdgeSplitModel
import Foundation
import GLPKBinding
import OnlineAdmission
import OnlineAdmissionMILP
import ModelZoo
import Testing

/// One chain model whose server part needs exactly one thread under a loose deadline.
private func chain() throws -> DNNModel {
  try DNNModel(name: "chain", inputBytes: 1000, layers: [
    Layer(name: "a", type: .conv, flops: 1e9, outputBytes: 500, paramBytes: 1, inputs: []),
    Layer(name: "b", type: .fc, flops: 1e9, outputBytes: 10, paramBytes: 1, inputs: ["a"]),
  ])
}

/// Requests of the chain model on one cloudlet of `threads` threads, arriving as `arrivals` says.
private func oneCloudlet(threads: Int, _ arrivals: [Arrival]) throws -> OnlineAdmissionInstance {
  let requests = arrivals.indices.map {
    InferenceRequest(name: "r\($0)", model: "chain", deviceGflops: 10, uplinkMbps: 100, delaysMs: [1], deadlineMs: 10_000)
  }
  return try OnlineAdmissionInstance(name: "one", models: [chain()], cloudlets: [Cloudlet(name: "c0", threads: threads, threadGflops: 10)],
                                     requests: requests, arrivals: arrivals)
}

private func admit(_ requests: [Int]) -> AdmissionSolution {
  AdmissionSolution(admissions: requests.map { Admission(request: $0, cloudlet: 0, devicePrefix: 0, threads: 1) })
}

/// Small seeded online instances with departures (2–6 requests, 1–2 cloudlets of 1–3 threads).
private func tinyInstances(count: Int) throws -> [OnlineAdmissionInstance] {
  let models = [try chain()] + [ModelZooShim.small]
  var generator = AdmissionGenerator()
  generator.threads = 1...3
  generator.weights = .uniform(1...5)
  return try (0..<count).map { i in
    var rng = SeededGenerator(seed: 900 + UInt64(i))
    let base = try generator.generate(name: "tiny-\(i)", models: models, requests: rng.integer(in: 2...6),
                                      cloudlets: rng.integer(in: 1...2), seed: UInt64(i))
    var time = 0.0
    let arrivals = base.requests.indices.map { _ -> Arrival in
      time += Double(rng.integer(in: 0...3))
      return Arrival(atMs: time, holdMs: rng.integer(in: 0...3) == 0 ? nil : Double(rng.integer(in: 1...5)))
    }
    return try OnlineAdmissionInstance(base, arrivals: arrivals)
  }
}

private enum ModelZooShim {
  static var small: DNNModel {
    try! DNNModel(name: "wide", inputBytes: 4000, layers: [
      Layer(name: "x", type: .conv, flops: 20e9, outputBytes: 2000, paramBytes: 1, inputs: []),
      Layer(name: "y", type: .conv, flops: 40e9, outputBytes: 100, paramBytes: 1, inputs: ["x"]),
    ], parallelFraction: 0.95)
  }
}

/// Every choice (reject, or a cloudlet at the request's fewest threads there), checked by the evaluator.
private func bruteForce(_ instance: OnlineAdmissionInstance) -> Double {
  let table = AdmissionTable(instance.base)
  var best = 0.0
  var chosen: [Admission] = []
  func visit(_ r: Int) {
    if r == instance.requests.count {
      let verdict = OnlineAdmissionEvaluator.evaluate(AdmissionSolution(admissions: chosen), on: instance)
      if verdict.isFeasible { best = max(best, verdict.objective) }
      return
    }
    visit(r + 1)
    for c in instance.cloudlets.indices {
      guard let option = table.cheapest(request: r, cloudlet: c) else { continue }
      chosen.append(Admission(request: r, cloudlet: c, devicePrefix: option.devicePrefix, threads: option.threads))
      visit(r + 1)
      chosen.removeLast()
    }
  }
  visit(0)
  return best
}

@Suite struct OnlineAdmissionTests {
  @Test func threadsReturnAtDepartureNotBefore() throws {
    // One thread; r0 holds it over [0, 10), r1 arrives at 10 (free again), r2 at 15 (r1 holds it).
    let instance = try oneCloudlet(threads: 1, [Arrival(atMs: 0, holdMs: 10), Arrival(atMs: 10, holdMs: 10), Arrival(atMs: 15)])
    #expect(OnlineAdmissionEvaluator.evaluate(admit([0, 1]), on: instance).isFeasible)
    let clash = OnlineAdmissionEvaluator.evaluate(admit([1, 2]), on: instance)
    #expect(!clash.isFeasible)
    #expect(clash.violations.first?.contains("2 threads held at 15") == true && clash.violations.first?.contains("capacity 1") == true)
    // Simultaneous arrivals are present at once.
    let together = try oneCloudlet(threads: 1, [Arrival(atMs: 5, holdMs: 1), Arrival(atMs: 5, holdMs: 1)])
    #expect(!OnlineAdmissionEvaluator.evaluate(admit([0, 1]), on: together).isFeasible)
    // The P1 checks still apply.
    let wrong = AdmissionSolution(admissions: [Admission(request: 0, cloudlet: 0, devicePrefix: 0, threads: 2)])
    #expect(OnlineAdmissionEvaluator.evaluate(wrong, on: instance).violations.first?.contains("allows 1...1") == true)
  }

  @Test func loadingRejectsBadArrivals() throws {
    #expect(throws: FieldError.self) { try oneCloudlet(threads: 1, [Arrival(atMs: 5), Arrival(atMs: 4)]) }
    #expect(throws: FieldError.self) { try oneCloudlet(threads: 1, [Arrival(atMs: 0, holdMs: 0)]) }
    #expect(throws: FieldError.self) { try oneCloudlet(threads: 1, [Arrival(atMs: -1)]) }
    let short = try oneCloudlet(threads: 1, [Arrival(atMs: 0)]).fields
    var fields = short
    fields.arrivals = []
    #expect(throws: FieldError.self) { try OnlineAdmissionInstance(validating: fields) }
  }

  @Test func withoutDeparturesTheEvaluatorIsP1s() throws {
    for instance in try OnlineAdmissionGenerator.shipped() where instance.arrivals.allSatisfy({ $0.holdMs == nil }) {
      let table = AdmissionTable(instance.base)
      for solution in OnlineAdmissionSolvers.onlineSolutions(instance, table: table) + [AdmissionApproximation.solve(table)] {
        let online = OnlineAdmissionEvaluator.evaluate(solution, on: instance)
        let offline = AdmissionEvaluator.evaluate(solution, on: instance.base)
        #expect(online.isFeasible == offline.isFeasible && online.objective == offline.objective)
      }
    }
  }

  @Test(arguments: [true, false]) func offlineILPEqualsBruteForce(glpk: Bool) throws {
    let backend: any MILPSolver = glpk ? GLPKSolver() : CBCSolver()
    for instance in try tinyInstances(count: 40) {
      let outcome = try OnlineAdmissionILP.solve(instance, backend: backend)
      #expect(outcome.termination == .optimal)
      let verdict = OnlineAdmissionEvaluator.evaluate(outcome.solution!, on: instance)
      #expect(verdict.isFeasible, "\(instance.name): \(verdict.violations)")
      #expect(verdict.objective == bruteForce(instance), "\(instance.name)")
    }
  }

  @Test func everyOnlineRuleIsFeasibleAndBelowTheOptimum() throws {
    for instance in try tinyInstances(count: 40) {
      let optimum = bruteForce(instance)
      let table = AdmissionTable(instance.base)
      for solution in OnlineAdmissionSolvers.onlineSolutions(instance, table: table) {
        let verdict = OnlineAdmissionEvaluator.evaluate(solution, on: instance)
        #expect(verdict.isFeasible, "\(instance.name): \(verdict.violations)")
        #expect(verdict.objective <= optimum + 1e-9)
      }
    }
  }

  /// Online: a rule's decisions on the first `n` requests do not depend on the requests after them.
  @Test func decisionsUseOnlyWhatHasArrived() throws {
    let instances = try OnlineAdmissionGenerator.shipped().filter { $0.name.hasSuffix("-1") }
    for instance in instances {
      let table = AdmissionTable(instance.base)
      let full = OnlineAdmissionSolvers.onlineSolutions(instance, table: table)
      for n in [1, instance.size / 3, instance.size / 2] {
        let prefix = try OnlineAdmissionInstance(name: "prefix", models: instance.models, cloudlets: instance.cloudlets,
                                                 requests: Array(instance.requests[..<n]), arrivals: Array(instance.arrivals[..<n]))
        let prefixTable = AdmissionTable(prefix.base)
        let greedy = OnlineAdmission.Greedy.allCases.map { OnlineAdmission.greedy(prefix, table: prefixTable, rule: $0) }
        for (whole, part) in zip(full.suffix(3), greedy) {
          #expect(whole.admissions.filter { $0.request < n } == part.admissions, "\(instance.name) n=\(n)")
        }
        // The pricing rule knows the density range in advance: given the same constants, the same decisions.
        let parameters = PricingParameters(instance, table: table)
        let priced = OnlineAdmission.pricing(prefix, table: prefixTable, parameters: parameters).solution
        #expect(full[0].admissions.filter { $0.request < n } == priced.admissions, "\(instance.name) n=\(n)")
      }
    }
  }

  /// Where the assumptions hold, the admitted weight is at least OPT / (2 log₂ μ), and the dual
  /// value bounds the optimum from above.
  @Test func pricingCompetitiveRatioHolds() throws {
    var checked = 0
    var instances = try OnlineAdmissionGenerator.shipped().filter { $0.name.hasPrefix("pricing") }
    // More seeded instances of the same shape, smaller.
    var generator = AdmissionGenerator()
    generator.threads = 8...12
    generator.threadGflops = 40...40
    generator.delayPerDistanceMs = 2
    generator.tightness = 1.5...3
    for seed in UInt64(1)...10 {
      let base = try generator.generate(name: "p", models: OnlineAdmissionGenerator.models.map(ModelZoo.model), requests: 80,
                                        cloudlets: 2, seed: 1_000 + seed)
      let timed = try OnlineAdmissionGenerator.online(base, order: .slotted(seed: seed, maxSlots: 6), name: "p-\(seed)")
      instances.append(try OnlineAdmissionGenerator.slottedWeights(timed, seed: seed))
    }
    for instance in instances {
      let table = AdmissionTable(instance.base)
      let parameters = PricingParameters(instance, table: table)
      guard parameters.assumptionFailure(maxMu: OnlineAdmissionSolvers.provenMu) == nil else { continue }
      let (solution, dual) = OnlineAdmission.pricing(instance, table: table)
      let verdict = OnlineAdmissionEvaluator.evaluate(solution, on: instance)
      let optimum = try OnlineAdmissionILP.solve(instance, backend: GLPKSolver(), options: SolverOptions(timeLimit: 60))
      #expect(optimum.termination == .optimal)
      let opt = optimum.objective!
      let ratio = 1 / (2 * Double.log2(parameters.mu))
      #expect(verdict.isFeasible)
      #expect(verdict.objective >= ratio * opt - 1e-9, "\(instance.name): \(verdict.objective) vs \(opt)")
      #expect(dual >= opt - 1e-6, "\(instance.name): dual \(dual) below the optimum \(opt)")
      #expect(verdict.objective >= ratio * dual - 1e-6)
      checked += 1
    }
    #expect(checked >= 10)
  }

  @Test func staticOfflineOptimumIsP1s() throws {
    let instance = try OnlineAdmissionGenerator.shipped().first { $0.name == "random-1" }!
    let online = try OnlineAdmissionILP.solve(instance, backend: GLPKSolver())
    let offline = try AdmissionILP.solve(instance.base, backend: GLPKSolver())
    #expect(online.termination == .optimal && offline.termination == .optimal)
    #expect(online.objective == offline.objective)
  }

  @Test func capacityWindowsAreTheSetsPresentAtOnce() throws {
    let instance = try oneCloudlet(threads: 1, [Arrival(atMs: 0, holdMs: 10), Arrival(atMs: 5, holdMs: 10), Arrival(atMs: 5),
                                                Arrival(atMs: 20, holdMs: 1), Arrival(atMs: 30)])
    // At 0 {0} ⊂ at 5 {0,1,2}; 0 and 1 leave before 20: {2,3}; 3 leaves before 30: {2,4}.
    #expect(instance.capacityWindows == [[0, 1, 2], [2, 3], [2, 4]])
  }
}
