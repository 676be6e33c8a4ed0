import FusedLayer
import EdgeSplitModel
@testable import FusedLayer
import ModelZoo
import Testing

/// Whether two makespans are the same number summed in another order.
func agrees(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(abs(a), abs(b)) }

/// A random valid decision of `instance`: block length, tiling, order, placement and cut.
func randomDecision(_ instance: FusedInstance, _ random: inout SeededGenerator) -> FusedDecision {
  let e = random.integer(in: 0...instance.maxBlockLength)
  let cut = random.integer(in: e...instance.layerCount)
  guard e > 0 else { return FusedDecision(blockLength: 0, tiling: nil, order: [], offloaded: [], tailCut: cut) }
  let tiling = instance.tilings.randomElement(using: &random)!
  return FusedDecision(blockLength: e, tiling: tiling, order: Array(0..<tiling.tiles).shuffled(using: &random),
                       offloaded: (0..<tiling.tiles).map { _ in random.coin() }, tailCut: cut)
}

/// The CI slice of the random family: downlinks up to 6 tiles, free downloads up to 9, so
/// that BF stays fast in debug builds.
let ciFamily = RandomFusedInstances(tileLimitWithDownlink: 6, tileLimitWithoutDownlink: 9)

@Suite struct FusedTimingTests {
  /// The solvers' closed forms and the evaluator's event replay agree on seeded random
  /// instances and decisions (both merge places, unfused cuts, with and without a downlink).
  @Test func closedFormsMatchTheReplay() {
    var random = SeededGenerator(seed: 14)
    for index in 0..<60 {
      let instance = RandomFusedInstances().instance(index)
      for _ in 0..<20 {
        let decision = randomDecision(instance, &random)
        let verdict = FusedEvaluator.evaluate(decision, on: instance)
        #expect(verdict.isFeasible)
        #expect(agrees(verdict.objective, FusedTiming.makespan(decision, on: instance)), "instance \(index): \(decision)")
      }
    }
  }
}

@Suite struct FusedRandomFamilyTests {
  /// PSOMW with the default settings is within 0.04% of BF on every run of the CI slice
  /// (40 instances × 3 seeds), and BF is bounded below by its own lower bound.
  @Test func psomwMatchesBruteForceOnTheSlice() {
    var within = 0, runs = 0, worst = 0.0
    for instance in ciFamily.instances(40) {
      let tables = FusedTables(instance)
      let bf = FusedBruteForce.solve(tables)
      #expect(fitsWithin(FusedBruteForce.lowerBound(tables), bf.makespan), "\(instance.name)")
      for seed: UInt64 in 1...3 {
        let pso = PSOMW().solve(tables, seed: seed)
        #expect(agrees(FusedEvaluator.evaluate(pso.decision, on: instance).objective, pso.makespan))
        let gap = (pso.makespan - bf.makespan) / bf.makespan
        #expect(gap < 0.01, "\(instance.name) seed \(seed): \(100 * gap)% above BF")
        runs += 1
        if gap <= 0.0004 { within += 1 }
        worst = max(worst, gap)
      }
    }
    #expect(Double(within) >= 0.995 * Double(runs), "\(within)/\(runs) within 0.04%, worst \(100 * worst)%")
  }

  /// The random family is not trivial: the optimum fuses on some instances and not on others.
  @Test func theFamilyExercisesFusion() {
    let optima = ciFamily.instances(40).map { FusedBruteForce.solve(FusedTables($0)).decision }
    #expect(optima.contains { $0.blockLength > 0 } && optima.contains { $0.blockLength == 0 })
  }
}

@Suite struct FusedBruteForceLimitTests {
  /// The pair and placement bounds never exceed an exact value: every pair's bound is at most
  /// the best decision of that pair (BF restricted to it, via a one-pair instance).
  @Test func boundsAreBelowTheOptimum() throws {
    for instance in ciFamily.instances(20) {
      let tables = FusedTables(instance)
      let bf = FusedBruteForce.solve(tables)
      let bound = FusedBruteForce.lowerBound(tables)
      #expect(bound > 0 && fitsWithin(bound, bf.makespan))
      if let tiling = bf.decision.tiling, let t = instance.tilings.firstIndex(of: tiling) {
        #expect(fitsWithin(FusedBruteForce.pairBound(tables, blockLength: bf.decision.blockLength, tiling: t), bf.makespan))
        let times = tables.pathTimes[bf.decision.blockLength - 1][t]
        if bf.decision.tailCut > bf.decision.blockLength || bf.decision.tailCut == instance.layerCount {
          #expect(fitsWithin(FusedBruteForce.placementBound(times, offloaded: bf.decision.offloaded),
                             FusedTiming.gatherTime(times, order: bf.decision.order, offloaded: bf.decision.offloaded)))
        }
      }
    }
  }

  /// Beyond its tile limits BF runs under the time limit and stops with a valid decision, a
  /// `time limit, feasible` status and a lower bound below it.
  @Test func timeLimitStopsWithABound() throws {
    let big = RandomFusedInstances(tileLimitWithDownlink: 16).instances(40).first {
      $0.downlinkMbps != nil && !FusedBruteForce.applies(to: $0)
    }!
    #expect(FusedSolvers.bruteForce.skipReason(for: big) == nil)
    let outcome = FusedBruteForce.solve(big, options: SolverOptions(timeLimit: 0.05))
    #expect(outcome.termination == .feasible(limit: .time))
    let decision = try #require(outcome.solution)
    #expect(agrees(FusedEvaluator.evaluate(decision, on: big).objective, outcome.objective!))
    #expect(fitsWithin(outcome.bound!, outcome.objective!))
  }

  /// The baselines are the unfused cuts at both ends, and NFL is never worse than either.
  @Test func baselinesAreTheEndCuts() throws {
    let instance = ciFamily.instance(3)
    let local = try #require(FusedSolvers.allLocal.solve(instance).solution)
    let offload = try #require(FusedSolvers.allOffload.solve(instance).solution)
    #expect(local.blockLength == 0 && local.tailCut == instance.layerCount)
    #expect(offload.blockLength == 0 && offload.tailCut == 0)
    let nfl = FusedBruteForce.noFusion(FusedTables(instance)).makespan
    for decision in [local, offload] { #expect(fitsWithin(nfl, FusedEvaluator.evaluate(decision, on: instance).objective)) }
  }
}
