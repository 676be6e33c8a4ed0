import Admission
import AdmissionMILP
import EdgeSplitModel
import Foundation
import GLPKBinding
import ModelZoo
import Testing

@Suite struct PrefixProfileTests {
  @Test(arguments: ModelZoo.names)
  func prefixesAgreeWithTheModelsPartitionArithmetic(name: String) {
    let model = ModelZoo.model(named: name)!
    let profile = PrefixProfile(model)
    for p in 0..<profile.count {
      let partition = model.partition(devicePrefix: p)
      #expect(abs(profile.deviceFlops[p] - model.deviceFlops(partition)) <= 1e-9 * model.totalFlops)
      #expect(abs(profile.serverFlops[p] - model.serverFlops(partition)) <= 1e-9 * model.totalFlops)
      #expect(abs(profile.transferBytes[p] - model.transferBytes(partition)) <= 1e-6, "\(name) prefix \(p)")
    }
  }
}

@Suite struct AdmissionTableTests {
  @Test(arguments: [1, 2, 3] as [UInt64])
  func cheapestThreadsEqualAnExhaustiveScan(seed: UInt64) throws {
    let instance = try AdmissionGenerator().generate(name: "t", models: tinyModels, requests: 25, cloudlets: 4, seed: seed)
    let table = AdmissionTable(instance)
    var feasiblePairs = 0
    for r in instance.requests.indices {
      for c in instance.cloudlets.indices {
        let option = table.cheapest(request: r, cloudlet: c)
        #expect(option?.threads == scannedCheapestThreads(instance, request: r, cloudlet: c), "r\(r) c\(c)")
        if let option {
          feasiblePairs += 1
          let seconds = AdmissionEvaluator.latency(instance, request: r, cloudlet: c,
                                                   devicePrefix: option.devicePrefix, threads: option.threads)
          #expect(fitsWithin(seconds, instance.requests[r].deadlineMs / 1000))
        }
      }
    }
    // The generator must produce a mix: some pairs feasible, some not.
    #expect(feasiblePairs > 0 && feasiblePairs < instance.requests.count * instance.cloudlets.count)
  }
}

@Suite struct AdmissionILPTests {
  @Test(arguments: 0..<40)
  func ilpMatchesBruteForceOnTinyInstances(seed: Int) throws {
    var rng = SeededGenerator(seed: UInt64(seed))
    var instance = try AdmissionGenerator().generate(
      name: "tiny", models: tinyModels, requests: rng.integer(in: 2...6),
      cloudlets: rng.integer(in: 1...3), seed: UInt64(seed))
    if seed % 2 == 1 {  // weighted variant
      let requests = instance.requests.map { request in
        var weighted = request
        weighted.weight = Double(rng.integer(in: 1...5))
        return weighted
      }
      instance = try AdmissionInstance(name: "tiny", models: instance.models, cloudlets: instance.cloudlets, requests: requests)
    }
    let expected = bruteForceOptimum(instance)
    for formulation in AdmissionILP.Formulation.allCases {
      let outcome = try AdmissionILP.solve(AdmissionTable(instance), backend: GLPKSolver(), formulation: formulation)
      #expect(outcome.termination == .optimal)
      let solution = try #require(outcome.solution)
      let verdict = AdmissionEvaluator.evaluate(solution, on: instance)
      #expect(verdict.violations == [])
      #expect(verdict.objective == expected, "\(formulation) seed \(seed)")
      #expect(outcome.objective == expected)
    }
  }

  @Test func prunedAndFullAgreeOnEveryShippedSmallInstance() throws {
    let shipped = try shippedSmallInstances()
    #expect(shipped.count >= 10)
    for (name, instance) in shipped {
      let table = AdmissionTable(instance)
      let pruned = try AdmissionILP.solve(table, backend: GLPKSolver(), formulation: .pruned)
      let full = try AdmissionILP.solve(table, backend: GLPKSolver(), formulation: .full)
      #expect(pruned.termination == .optimal && full.termination == .optimal, "\(name)")
      #expect(full.statistics.columns! > pruned.statistics.columns!)
      for outcome in [pruned, full] {
        let verdict = AdmissionEvaluator.evaluate(try #require(outcome.solution), on: instance)
        #expect(verdict.violations == [])
        #expect(verdict.objective == pruned.objective, "\(name)")
      }
    }
  }

  @Test func noFeasibleRequestMeansOptimumZero() throws {
    let base = try AdmissionGenerator().generate(name: "t", models: tinyModels, requests: 3, cloudlets: 2, seed: 5)
    let hopeless = base.requests.map { request in
      var tight = request
      tight.deadlineMs = 0.001
      return tight
    }
    let instance = try AdmissionInstance(name: "t", models: base.models, cloudlets: base.cloudlets, requests: hopeless)
    let outcome = try AdmissionILP.solve(AdmissionTable(instance), backend: GLPKSolver())
    #expect(outcome.termination == .optimal)
    #expect(outcome.solution?.admissions == [])
    #expect(outcome.statistics.columns! == 0)
  }

  @Test func generatorIsDeterministicPerSeed() throws {
    let a = try AdmissionGenerator().generate(name: "g", models: tinyModels, requests: 20, cloudlets: 3, seed: 42)
    let b = try AdmissionGenerator().generate(name: "g", models: tinyModels, requests: 20, cloudlets: 3, seed: 42)
    let c = try AdmissionGenerator().generate(name: "g", models: tinyModels, requests: 20, cloudlets: 3, seed: 43)
    #expect(a == b)
    #expect(a != c)
  }
}
