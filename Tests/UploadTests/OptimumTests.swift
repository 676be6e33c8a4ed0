import CBCBinding
import EdgeSplitModel
import GLPKBinding
import ModelZoo
import Testing
import Upload
@testable import UploadMILP

/// The proof behind `p4-exact` rests on the evaluator being monotone in the shares and parallel
/// uploading dominating serial: both are checked here on random UEs (half of them running 2–20
/// frames), partitions and shares, with the surrogate and resource bounds the solvers use.
@Suite struct UploadMonotonicityTests {
  @Test func moreComputeOrBandwidthNeverDelaysAUEAndParallelNeverLosesToSerial() throws {
    var rng = SeededGenerator(seed: 23)
    let models = propertyModels()
    var checked = 0
    for model in models {
      let sets = try #require(model.deviceSets(limit: 10_000))
      for _ in 0..<60 {
        let ue = UploadUE(name: "u", model: model, deviceGflops: rng.uniform(in: 2...100), maxUplinkMbps: 1000,
                          frames: rng.coin() ? 1 : rng.integer(in: 2...20))
        let onDevice = sets[rng.integer(in: sets.indices)]
        let f = rng.uniform(in: 1...300), b = rng.uniform(in: 1...300)
        let (moreF, moreB) = (f * rng.uniform(in: 1...3), b * rng.uniform(in: 1...3))
        func completion(_ f: Double, _ b: Double, _ mode: UploadMode) -> Double {
          UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: onDevice, computeGflops: f, bandwidthMbps: b), mode: mode).completion
        }
        for mode in UploadMode.allCases {
          let base = completion(f, b, mode)
          for faster in [completion(moreF, b, mode), completion(f, moreB, mode), completion(moreF, moreB, mode)] {
            #expect(faster <= base * (1 + 1e-12), "\(model.name) \(mode) frames \(ue.frames) f \(f)→\(moreF) b \(b)→\(moreB)")
          }
        }
        let parallel = completion(f, b, .parallel)
        #expect(parallel <= completion(f, b, .serial) * (1 + 1e-12), "\(model.name)")
        // ARA's surrogate above, and the lower bound max(D, U/b, W/f) of PBT-DP and PartitionMenu
        // below, with frames or without.
        let demand = ARA.Demand(ue, onDevice: onDevice)
        #expect(parallel <= demand.surrogate(computeGflops: f, bandwidthMbps: b) * (1 + 1e-12), "\(model.name)")
        let lower = max(demand.deviceSeconds, demand.uploadBytes > 0 ? Seconds.transfer(demand.uploadBytes, mbps: b) : 0,
                        demand.serverFlops > 0 ? Seconds.compute(demand.serverFlops, gflops: f) : 0)
        #expect(lower <= parallel * (1 + 1e-12), "\(model.name)")
        checked += 1
      }
    }
    #expect(checked == models.count * 60)
  }
}

/// The models the property tests draw random UEs, partitions and shares for: the small chain and
/// DAG, AlexNet and four random 9-layer DAGs with fan-in up to 3.
func propertyModels() -> [DNNModel] {
  [UploadGenerator.smallChain(), UploadGenerator.smallDAG(), ModelZoo.alexnet()]
    + (0..<4).map { SyntheticNetworks.randomDAG(layers: 9, maxFanIn: 3, seed: $0) }
}

/// Two or three Raspberry-Pi-class UEs on fast channels sharing a small server: offloading pays
/// for every UE, so both budgets bind and the optimum splits them (checked in
/// ``UploadOptimumTests/theContestedInstancesAreContested()``).
func contestedInstances() throws -> [UploadInstance] {
  var rng = SeededGenerator(seed: 37)
  let models = [UploadGenerator.smallChain(), UploadGenerator.smallDAG()]
  return try (0..<6).map { n in
    let ues = (0..<(2 + n % 2)).map { i in
      UploadUE(name: "pi\(i)", model: models[rng.integer(in: models.indices)],
               deviceGflops: rng.uniform(in: 2...4), maxUplinkMbps: rng.uniform(in: 150...300))
    }
    return try UploadInstance(name: "contested\(n)", ues: ues, serverGflops: rng.uniform(in: 10...20) * Double(ues.count),
                              bandwidthMbps: rng.uniform(in: 60...100) * Double(ues.count))
  }
}

@Suite struct UploadOptimumTests {
  /// The instances the cross-checks below rely on make the budgets matter: in the best solution
  /// found at least two UEs offload and both budgets are nearly spent (85 %).
  @Test func theContestedInstancesAreContested() throws {
    for instance in try contestedInstances() {
      let solution = try #require(try UploadGridOptimum.solve(instance, backend: GLPKSolver(), rounds: 4).solution)
      #expect(solution.ues.filter { $0.onDevice.contains(false) }.count >= 2, "\(instance.name)")
      #expect(solution.ues.reduce(0) { $0 + $1.computeGflops } >= 0.85 * instance.serverGflops, "\(instance.name)")
      #expect(solution.ues.reduce(0) { $0 + $1.bandwidthMbps } >= 0.85 * instance.bandwidthMbps, "\(instance.name)")
    }
  }

  /// The relaxation lies between the grid's first-order bound (every pair of cells, each at its
  /// point's latency and its smallest shares: a brute force) and a brute force over a fine grid
  /// of feasible allocations: the planes only ever tighten the first and never pass the second.
  @Test func theRelaxationIsBetweenTheFirstOrderBoundAndAFineBruteForce() throws {
    for instance in try contestedInstances() + smallInstances() where instance.ues.count == 2 {
      var tables = instance.ues.map {
        ShareTable($0, partitions: $0.model.deviceSets(limit: 100)!, on: instance, steps: 3)
      }
      // Uneven cells, as refinement makes them.
      _ = tables[0].insertCompute(instance.serverGflops * 0.41)
      _ = tables[1].insertBandwidth(min(instance.ues[1].maxUplinkMbps, instance.bandwidthMbps) * 0.23)
      let scale = UploadBaselines.allLocal(instance).objective!
      var firstOrder = Double.infinity
      let (a, b) = (tables[0], tables[1])
      func low(_ grid: [Double], _ index: Int) -> Double { index == 0 ? 0 : grid[index - 1] }
      for k1 in a.compute.indices { for m1 in a.bandwidth.indices { for k2 in b.compute.indices { for m2 in b.bandwidth.indices {
        guard fitsWithin(low(a.compute, k1) + low(b.compute, k2), instance.serverGflops),
              fitsWithin(low(a.bandwidth, m1) + low(b.bandwidth, m2), instance.bandwidthMbps) else { continue }
        firstOrder = min(firstOrder, a.latency[k1][m1] + b.latency[k2][m2])
      } } } }
      let (program, _, tangents) = UploadGridOptimum.program(tables, sizes: [1, 1], on: instance, scale: scale, tangents: true)
      #expect(tangents)
      let result = try GLPKSolver.solve(program)
      #expect(result.termination == .optimal)
      let value = try #require(result.bounds.primal).advanced(by: UploadGridOptimum.unitsPerScale) * scale / UploadGridOptimum.unitsPerScale
      #expect(value >= firstOrder * (1 - 1e-9), "\(instance.name): \(value) vs first order \(firstOrder)")
      #expect(value <= fineBruteForce(instance) * (1 + 1e-9), "\(instance.name)")
    }
  }

  /// Every UE's ``LatencyMinorant`` equals its replay at the shares it was built at (so the
  /// argument behind it matches the evaluator, and the constant fallback is not what is used)
  /// and lies below the replay at other shares with no more bandwidth; its tangent planes lie
  /// below it.
  @Test func minorantsTouchTheReplayAndStayBelowIt() throws {
    var rng = SeededGenerator(seed: 41)
    let models = propertyModels()
    var checked = 0
    for model in models {
      let sets = try #require(model.deviceSets(limit: 10_000))
      for _ in 0..<40 {
        let ue = UploadUE(name: "u", model: model, deviceGflops: rng.uniform(in: 2...100), maxUplinkMbps: 1000)
        let onDevice = sets[rng.integer(in: sets.indices)]
        let f = rng.uniform(in: 1...300), b = rng.uniform(in: 1...300)
        func completion(_ f: Double, _ b: Double) -> Double {
          UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: onDevice, computeGflops: f, bandwidthMbps: b), mode: .parallel).completion
        }
        let minorant = try #require(LatencyMinorant(ue, onDevice: onDevice, computeGflops: f, bandwidthMbps: b))
        #expect(abs(minorant.value(computeGflops: f, bandwidthMbps: b) - completion(f, b)) <= 1e-9 * completion(f, b))
        if onDevice.contains(false) { #expect(minorant.terms.count > 1, "\(model.name): the argument must match the replay") }
        for _ in 0..<10 {
          let (f2, b2) = (f * rng.uniform(in: 0.05...3), b * rng.uniform(in: 0.05...1))
          let below = minorant.value(computeGflops: f2, bandwidthMbps: b2)
          #expect(below <= completion(f2, b2) * (1 + 1e-12), "\(model.name) f \(f)→\(f2) b \(b)→\(b2)")
          let (f3, b3) = (f * rng.uniform(in: 0.05...3), b * rng.uniform(in: 0.05...1))
          let tangent = minorant.tangent(computeGflops: f3, bandwidthMbps: b3)
          #expect(tangent.value + tangent.computeSlope * (f3 - f2) + tangent.bandwidthSlope * (b3 - b2) <= below * (1 + 1e-12) + 1e-12)
        }
        checked += 1
      }
    }
    #expect(checked == models.count * 40)
  }

  /// On every cell, at random shares in it, the least of its pieces (each the highest of its
  /// planes) is at most the UE's best replayed latency there.
  @Test func cellPiecesStayBelowTheBestLatency() throws {
    var rng = SeededGenerator(seed: 43)
    for instance in try contestedInstances() {
      for ue in instance.ues {
        var table = ShareTable(ue, partitions: ue.model.deviceSets(limit: 100)!, on: instance, steps: 4)
        _ = table.insertCompute(instance.serverGflops * rng.uniform(in: 0.1...0.9))
        _ = table.insertBandwidth(min(ue.maxUplinkMbps, instance.bandwidthMbps) * rng.uniform(in: 0.1...0.9))
        for k in table.compute.indices {
          for m in table.bandwidth.indices {
            let (dx, dy) = table.extent(k, m)
            let pieces = table.cellPieces(k, m, tangents: true)
            for _ in 0..<6 {
              let (x, y) = (dx * rng.uniform(in: 0...1), dy * rng.uniform(in: 0...1))
              let (f, b) = (table.compute[k] - x, table.bandwidth[m] - y)
              let best = table.best(computeGflops: f, bandwidthMbps: b).latency
              let least = pieces.map { $0.map { $0.value(x, y) }.max()! }.min()!
              #expect(least <= best * (1 + 1e-12), "\(instance.name) \(ue.name) cell (\(k), \(m)) at (\(f), \(b))")
            }
          }
        }
      }
    }
  }

  /// UEs alike in all but name share one table; several contested copies are proven optimal.
  @Test func alikeUEsAreProvenOptimalTogether() throws {
    let ues = (0..<3).map { UploadUE(name: "pi\($0)", model: UploadGenerator.smallChain(), deviceGflops: 3, maxUplinkMbps: 200) }
    let instance = try UploadInstance(name: "alike", ues: ues, serverGflops: 30, bandwidthMbps: 150)
    let outcome = try UploadGridOptimum.solve(instance, backend: GLPKSolver(), options: SolverOptions(timeLimit: 60))
    #expect(outcome.termination == .optimal)
    let objective = try #require(outcome.objective)
    #expect(objective - (try #require(outcome.bound)) <= UploadGridOptimum.optimalityGap * objective)
    #expect(objective <= (try #require(OverlapSearch.solve(instance).objective)))
    for seed: UInt64 in 0..<30 { #expect(UploadEvaluator.evaluate(randomSolution(on: instance, seed: seed), on: instance).objective >= objective * (1 - 1e-9)) }
  }

  /// The bound is below every random feasible solution (random partitions, shares and upload
  /// modes) and below every solver's result; the solution is feasible and never worse than MJOA-MU.
  @Test func theBoundHoldsForRandomSolutionsAndEverySolver() throws {
    var byInstance: [String: (UploadInstance, [UploadSolution])] = [:]
    for (instance, solution) in try randomSolutions() { byInstance[instance.name, default: (instance, [])].1.append(solution) }
    for instance in try contestedInstances() {
      byInstance[instance.name] = (instance, (0..<30).map { seed in randomSolution(on: instance, seed: seed) })
    }
    for (instance, solutions) in byInstance.values.sorted(by: { $0.0.name < $1.0.name }) {
      let outcome = try UploadGridOptimum.solve(instance, backend: GLPKSolver(), rounds: 8)
      let bound = try #require(outcome.bound), objective = try #require(outcome.objective)
      let solution = try #require(outcome.solution)
      #expect(UploadEvaluator.evaluate(solution, on: instance).objective == objective)
      #expect(bound <= objective)
      for other in solutions {
        #expect(UploadEvaluator.evaluate(other, on: instance).objective >= bound * (1 - 1e-9), "\(instance.name)")
      }
      for solver in UploadSolvers.all {
        let value = try #require(try solver.solve(instance).objective)
        #expect(value >= bound * (1 - 1e-9), "\(solver.name) on \(instance.name)")
        if solver.name == "p4-mjoa-mu" { #expect(objective <= value) }
      }
    }
  }

  /// A single UE gets the whole server: its optimum is its best partition at the largest shares.
  @Test func oneUEIsSolvedAtTheLargestShares() throws {
    for instance in try smallInstances() where instance.ues.count == 1 {
      let ue = instance.ues[0]
      let optimum = ue.model.deviceSets(limit: 100)!.map {
        UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: $0, computeGflops: instance.serverGflops,
                                                        bandwidthMbps: min(ue.maxUplinkMbps, instance.bandwidthMbps)), mode: .parallel).completion
      }.min()!
      let outcome = try UploadGridOptimum.solve(instance, backend: GLPKSolver())
      #expect(outcome.termination == .optimal, "\(instance.name)")
      #expect(abs(try #require(outcome.objective) - optimum) <= 1e-9 * optimum, "\(instance.name)")
    }
  }

  /// Two UEs, one frame or three, against a brute force over a fine grid (1/60 of each budget, the
  /// rest to the other UE): the bound is below every point of it.
  @Test func twoUEsAgainstAFineBruteForce() throws {
    for instance in try contestedInstances() + framedContestedInstances() where instance.ues.count == 2 {
      let brute = fineBruteForce(instance)
      let outcome = try UploadGridOptimum.solve(instance, backend: GLPKSolver(), rounds: 8)
      let bound = try #require(outcome.bound), objective = try #require(outcome.objective)
      #expect(bound <= brute * (1 + 1e-9), "\(instance.name)")
      #expect(objective >= bound)
    }
  }

  /// GLPK and CBC prove the same bound and find equally good solutions on the same grids (one
  /// round: later grids depend on which of several equally good points a backend picks).
  @Test func backendsAgree() throws {
    for instance in try contestedInstances() + smallInstances() {
      let glpk = try UploadGridOptimum.solve(instance, backend: GLPKSolver(), rounds: 1)
      let cbc = try UploadGridOptimum.solve(instance, backend: CBCSolver(), rounds: 1)
      #expect(glpk.termination == cbc.termination, "\(instance.name)")
      let (x, y) = (try #require(glpk.objective), try #require(cbc.objective))
      #expect(abs(x - y) <= 1e-9 * x, "\(instance.name)")
      let (p, q) = (try #require(glpk.bound), try #require(cbc.bound))
      #expect(abs(p - q) <= 1e-6 * p, "\(instance.name)")
    }
  }

  @Test func skipsReallocationAndModelsWithTooManyPartitions() throws {
    let small = try smallInstances()[1]
    #expect(UploadGridOptimum.skipReason(small) == nil)
    #expect(UploadGridOptimum.skipReason(try small.withReallocation(.onRelease))?.contains("static shares") == true)
    let branchy = SyntheticNetworks.randomDAG(layers: 40, maxFanIn: 2, seed: 4)
    #expect(branchy.deviceSets(limit: UploadGridOptimum.partitionLimit) == nil)
    let wide = try UploadGenerator.generate(name: "wide", models: [branchy], ues: 1, serverGflops: 100, bandwidthMbps: 50, seed: 1)
    #expect(UploadGridOptimum.skipReason(wide)?.contains("more than \(UploadGridOptimum.partitionLimit) partitions") == true)
    if case .error = try UploadGridOptimum.solve(wide, backend: GLPKSolver()).termination {} else { Issue.record("a skipped instance must not be solved") }
  }
}

/// A random feasible solution: random partitions, shares splitting a random part of each budget,
/// a random upload mode.
func randomSolution(on instance: UploadInstance, seed: UInt64) -> UploadSolution {
  var rng = SeededGenerator(seed: seed)
  let computeWeights = instance.ues.map { _ in rng.uniform(in: 0.1...1) }
  let bandwidthWeights = instance.ues.map { _ in rng.uniform(in: 0.1...1) }
  let spent = rng.uniform(in: 0.5...1)
  let ues = instance.ues.indices.map { i in
    let sets = instance.ues[i].model.deviceSets(limit: 100_000)!
    return UploadDecision(
      onDevice: sets[rng.integer(in: sets.indices)],
      computeGflops: instance.serverGflops * spent * computeWeights[i] / computeWeights.reduce(0, +),
      bandwidthMbps: min(instance.ues[i].maxUplinkMbps, instance.bandwidthMbps * spent * bandwidthWeights[i] / bandwidthWeights.reduce(0, +)))
  }
  return UploadSolution(uploading: rng.coin() ? .parallel : .serial, ues: ues)
}

/// The best total latency of a two-UE instance over a fine grid (1/60 of each budget, the rest to
/// the other UE), each UE at its best partition: an upper bound on the optimum.
func fineBruteForce(_ instance: UploadInstance) -> Double {
  let (a, b) = (instance.ues[0], instance.ues[1])
  let sets = instance.ues.map { $0.model.deviceSets(limit: 100)! }
  func best(_ i: Int, _ f: Double, _ bw: Double) -> Double {
    sets[i].compactMap { onDevice -> Double? in
      let demand = ARA.Demand(instance.ues[i], onDevice: onDevice)
      if demand.serverFlops > 0 && f == 0 || demand.uploadBytes > 0 && bw == 0 { return nil }
      return UploadEvaluator.timeline(of: instance.ues[i], UploadDecision(onDevice: onDevice, computeGflops: f, bandwidthMbps: bw),
                                      mode: .parallel).completion
    }.min()!
  }
  var brute = Double.infinity
  let steps = 60
  for i in 0...steps {
    let f = instance.serverGflops * Double(i) / Double(steps)
    for j in 0...steps {
      let bwA = min(a.maxUplinkMbps, instance.bandwidthMbps * Double(j) / Double(steps))
      let bwB = min(b.maxUplinkMbps, max(0, instance.bandwidthMbps - bwA))
      brute = min(brute, best(0, f, bwA) + best(1, max(0, instance.serverGflops - f), bwB))
    }
  }
  return brute
}
