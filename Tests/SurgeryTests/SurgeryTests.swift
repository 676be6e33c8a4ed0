import Admission
import EdgeSplitModel
import Foundation
import GLPKBinding
import Graphs
import ModelZoo
import Surgery
import SurgeryMILP
import Testing

/// input → a → {b, c} → d: a's output has two readers.
/// At 8 Mbit/s a byte takes 1 µs; the device runs 1 GFLOP/s, the server 10.
private func diamond(_ objective: SurgeryObjective = .latency) throws -> SurgeryInstance {
  let model = try DNNModel(name: "diamond", inputBytes: 5e5, layers: [
    Layer(name: "a", type: .conv, flops: 1e9, outputBytes: 1e6, paramBytes: 0, inputs: []),
    Layer(name: "b", type: .conv, flops: 2e9, outputBytes: 2e5, paramBytes: 0, inputs: ["a"]),
    Layer(name: "c", type: .conv, flops: 3e9, outputBytes: 3e5, paramBytes: 0, inputs: ["a"]),
    Layer(name: "d", type: .add, flops: 4e9, outputBytes: 10, paramBytes: 0, inputs: ["b", "c"]),
  ])
  return try SurgeryInstance(name: "diamond", model: model, deviceGflops: 1, serverGflops: 10, uplinkMbps: 8,
                             objective: objective)
}

@Suite struct SurgeryEvaluatorTests {
  @Test func stageTimesOfHandComputedPartitions() throws {
    let instance = try diamond()
    let stages = { (onDevice: [Bool]) in SurgeryEvaluator.stageTimes(Partition(onDevice: onDevice), on: instance) }
    // Only a on the device: its output goes once to b and c (1 s), nothing else crosses.
    #expect(stages([true, false, false, false]) == StageTimes(device: 1, transfer: 1, server: 0.9))
    // Everything on the server: the input is sent (0.5 s).
    #expect(stages([false, false, false, false]) == StageTimes(device: 0, transfer: 0.5, server: 1))
    #expect(stages([true, true, true, true]) == StageTimes(device: 10, transfer: 0, server: 0))
    // a, b on the device: a's output to c and b's output to d.
    #expect(stages([true, true, false, false]) == StageTimes(device: 3, transfer: 1.2, server: 0.7))
    #expect(SurgeryEvaluator.evaluate(Partition(onDevice: [true, false, false, false]), on: instance)
            == Verdict(objective: 2.9, violations: []))
    #expect(SurgeryEvaluator.evaluate(Partition(onDevice: [true, false, false, false]), on: try diamond(.throughput))
            == Verdict(objective: 1, violations: []))
  }

  @Test func invalidPartitionsAreRejected() throws {
    let instance = try diamond()
    #expect(SurgeryEvaluator.evaluate(Partition(onDevice: [false, true, false, false]), on: instance).violations
            == ["layer 'b' runs on the device but its input 'a' runs on the server"])
    #expect(!SurgeryEvaluator.evaluate(Partition(onDevice: [true]), on: instance).isFeasible)
  }

  @Test func filesRoundTripAndNameTheFaultyField() throws {
    let instance = try diamond()
    let data = try InstanceIO.encode(SurgeryFamily.self, instance)
    #expect(try InstanceIO.decode(SurgeryFamily.self, data, file: "s.json") == instance)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains("\"problem\" : \"surgery\""))
    func loadError(_ json: String) -> String {
      do { _ = try InstanceIO.decode(SurgeryFamily.self, Data(json.utf8), file: "x.json"); return "loaded" } catch { return error.description }
    }
    #expect(loadError(text.replacingOccurrences(of: "\"uplinkMbps\" : 8", with: "\"uplinkMbps\" : 0"))
            == "x.json: uplinkMbps: must be > 0, got 0.0")
    #expect(loadError(text.replacingOccurrences(of: "\"objective\" : \"latency\"", with: "\"objective\" : \"speed\""))
            .hasPrefix("x.json: objective:"))
    #expect(loadError(text.replacingOccurrences(of: "\"flops\" : 2000000000", with: "\"flops\" : -1"))
            == "x.json: model.layers[1].flops: must be >= 0, got -1.0")
  }
}

@Suite struct SurgeryCrossChecks {
  /// The paper's claim, made exact: under G′ every predecessor-closed partition's cut capacity
  /// is its latency, and any other partition's is infinite. Checked on every partition.
  @Test func cutCapacityIsTheLatencyOfEveryPartition() throws {
    for instance in try crossCheckInstances(objective: .latency) {
      let graph = DSL.network(for: instance)
      let model = instance.model
      _ = BruteForce(instance) { partition, stages in
        let capacity = graph.network.capacity(ofCut: graph.sourceSide(for: partition))
        #expect(close(capacity, stages.latency), "\(instance.name): cut \(capacity) vs latency \(stages.latency)")
      }
      for (v, inputs) in model.predecessors.enumerated() {
        guard let u = inputs.first else { continue }
        var backwards = Partition.allOnDevice(model)
        backwards.onDevice[u] = false  // u on the server feeds v on the device
        #expect(graph.network.capacity(ofCut: graph.sourceSide(for: backwards)) == .infinity, "\(instance.name) layer \(v)")
      }
    }
  }

  @Test func dslIsTheMinimumLatencyByBruteForceAndByILP() throws {
    for instance in try crossCheckInstances(objective: .latency) {
      let optimum = BruteForce(instance)
      let (partition, cutValue) = DSL.cut(instance)
      let verdict = SurgeryEvaluator.evaluate(partition, on: instance)
      #expect(verdict.isFeasible, "\(instance.name): \(verdict.violations)")
      #expect(close(verdict.objective, optimum.leastLatency), "\(instance.name): DSL \(verdict.objective), brute force \(optimum.leastLatency) over \(optimum.partitions)")
      #expect(close(cutValue, verdict.objective), "\(instance.name): cut \(cutValue), latency \(verdict.objective)")
      let ilp = try SurgeryILP.solve(instance, backend: GLPKSolver())
      #expect(ilp.termination == .optimal)
      let ilpPartition = try #require(ilp.solution)
      #expect(close(SurgeryEvaluator.evaluate(ilpPartition, on: instance).objective, optimum.leastLatency), "\(instance.name): ILP")
      #expect(abs(try #require(ilp.objective) - optimum.leastLatency) <= 1e-6 * optimum.leastLatency)
      #expect(abs(try #require(ilp.bound) - optimum.leastLatency) <= 1e-6 * optimum.leastLatency)
    }
  }

  @Test func dslNeverLosesToABaseline() throws {
    var instances = try crossCheckInstances(objective: .latency)
    for name in ["googlenet", "resnet50", "mobilenetv2"] {
      for mbps in [1, 5.85, 18.88, 100, 1000] {
        instances.append(try SurgeryInstance(name: "\(name)-\(mbps)", model: ModelZoo.model(named: name)!,
                                             deviceGflops: 10, serverGflops: 1000, uplinkMbps: mbps, objective: .latency))
      }
    }
    for instance in instances {
      let dsl = DSL.bestPartition(instance)
      #expect(instance.model.partitionProblem(dsl.partition) == nil)
      for baseline in [SurgeryBaselines.bestChainCut, SurgeryBaselines.allOnDevice, SurgeryBaselines.allOnServer] {
        let other = baseline(instance)
        #expect(fitsWithin(dsl.stages.latency, other.stages.latency), "\(instance.name): DSL \(dsl.stages.latency) > \(other.stages.latency)")
      }
    }
  }

  @Test func dshIsWithinThreeOfTheThroughputOptimum() throws {
    for instance in try crossCheckInstances(objective: .throughput) {
      let optimum = BruteForce(instance).leastLargestStage
      let dsh = DSH.search(instance).result
      let verdict = SurgeryEvaluator.evaluate(dsh.partition, on: instance)
      #expect(verdict.isFeasible, "\(instance.name): \(verdict.violations)")
      #expect(verdict.objective == dsh.stages.largestStage)
      #expect(fitsWithin(optimum, verdict.objective), "\(instance.name): DSH beats the optimum")
      #expect(fitsWithin(verdict.objective, 3 * optimum), "\(instance.name): DSH \(verdict.objective), optimum \(optimum)")
      // (1, 1) is on the grid, so DSH is never worse than the minimum-latency partition.
      #expect(verdict.objective <= DSL.bestPartition(instance).stages.largestStage, "\(instance.name)")
      let ilp = try SurgeryILP.solve(instance, backend: GLPKSolver())
      #expect(ilp.termination == .optimal)
      let ilpPartition = try #require(ilp.solution)
      #expect(close(SurgeryEvaluator.evaluate(ilpPartition, on: instance).objective, optimum), "\(instance.name): ILP")
    }
  }

  @Test(arguments: SurgeryObjective.allCases)
  func chainCutIsTheBestPrefix(objective: SurgeryObjective) throws {
    for instance in try crossCheckInstances(objective: objective) {
      let model = instance.model
      let best = (0...model.layers.count).map {
        SurgeryEvaluator.stageTimes(model.partition(devicePrefix: $0), on: instance).value(for: objective)
      }.min()!
      let chain = SurgeryBaselines.bestChainCut(instance)
      #expect(close(chain.stages.value(for: objective), best), "\(instance.name)")
    }
  }

  /// The deep-cut scaling families cut where they say, and push–relabel and the Dinic oracle
  /// agree on them exactly. (Their speed is measured in Benchmarks/, never asserted here.)
  @Test(arguments: [0.01, 0.3, 0.7])
  func deepCutFamiliesCutAtTheirDepth(depth: Double) throws {
    let layers = 1_000
    let model = SyntheticNetworks.deepCutDAG(layers: layers, width: 8, cutDepth: depth, seed: 42)
    let speeds = SyntheticNetworks.deepCutSpeeds
    let instance = try SurgeryInstance(name: model.name, model: model, deviceGflops: speeds.deviceGflops,
                                       serverGflops: speeds.serverGflops, uplinkMbps: speeds.uplinkMbps, objective: .latency)
    let graph = DSL.network(for: instance)
    let cut = graph.network.minimumCut(source: graph.source, sink: graph.sink)
    #expect(cut == graph.network.minimumCut(source: graph.source, sink: graph.sink, algorithm: .dinic))
    let partition = graph.partition(sourceSide: cut.sourceSide)
    let verdict = SurgeryEvaluator.evaluate(partition, on: instance)
    #expect(verdict.isFeasible)
    #expect(close(cut.value, verdict.objective))
    #expect(fitsWithin(verdict.objective, SurgeryBaselines.bestChainCut(instance).stages.latency))
    let onDevice = partition.onDevice.filter { $0 }.count
    #expect(abs(onDevice - Int(depth * Double(layers))) <= 8, "\(onDevice) layers on the device")
  }
}

/// Times from 10⁻¹² to 10¹⁵ s and outputs of 10¹⁷ bytes in one model: no epsilon may delete a
/// real arc, no unit may overflow, GLPK must see a sane range.
@Suite struct SurgeryAdversarialMagnitudes {
  @Test func dslIsExact() throws {
    for instance in try adversarialInstances(objective: .latency) {
      let optimum = BruteForce(instance).leastLatency
      let (partition, cutValue) = DSL.cut(instance)
      let verdict = SurgeryEvaluator.evaluate(partition, on: instance)
      #expect(verdict.isFeasible, "\(instance.name): \(verdict.violations)")
      #expect(close(verdict.objective, optimum), "\(instance.name): DSL \(verdict.objective), brute force \(optimum)")
      #expect(close(cutValue, verdict.objective), "\(instance.name): cut \(cutValue), latency \(verdict.objective)")
    }
  }

  @Test(arguments: SurgeryObjective.allCases)
  func ilpIsExact(objective: SurgeryObjective) throws {
    for instance in try adversarialInstances(objective: objective) {
      let brute = BruteForce(instance)
      let optimum = objective == .latency ? brute.leastLatency : brute.leastLargestStage
      let ilp = try SurgeryILP.solve(instance, backend: GLPKSolver())
      #expect(ilp.termination == .optimal, "\(instance.name): \(ilp)")
      let partition = try #require(ilp.solution, "\(instance.name)")
      let verdict = SurgeryEvaluator.evaluate(partition, on: instance)
      #expect(verdict.isFeasible, "\(instance.name)")
      #expect(close(verdict.objective, optimum), "\(instance.name): ILP \(verdict.objective), brute force \(optimum)")
      let claimed = try #require(ilp.objective)
      #expect(abs(claimed - optimum) <= 1e-6 * optimum, "\(instance.name): ILP claims \(claimed), optimum \(optimum)")
    }
  }
}

@Suite struct DSHLocalTests {
  /// Random DAGs of 2 to 20 layers at random speeds, under heavy load.
  private func randomThroughputInstances() throws -> [SurgeryInstance] {
    var rng = SeededGenerator(seed: 2026)
    return try (0..<120).map { seed in
      let model = SyntheticNetworks.costDAG(layers: 2 + seed % 19, width: 1 + seed % 4, seed: UInt64(500 + seed))
      return try SurgeryInstance(
        name: model.name, model: model, deviceGflops: power10(rng.uniform(in: 0...1.5)),
        serverGflops: power10(rng.uniform(in: 1...3)), uplinkMbps: power10(rng.uniform(in: 0...3)),
        objective: .throughput)
    }
  }

  /// Optimal on at least 95% of the random DAGs (DSH alone: about 80%), never worse than DSH or
  /// the chain cut, always feasible and within ratio 3.
  @Test func dominatesItsStartsAndIsUsuallyOptimal() throws {
    let instances = try randomThroughputInstances() + crossCheckInstances(objective: .throughput)
    var optimal = 0, dshOptimal = 0
    for instance in instances {
      let optimum = BruteForce(instance).leastLargestStage
      let dshResult = DSH.search(instance).result
      let dsh = dshResult.stages.largestStage
      let local = DSHLocal.improve(DSHLocal.starts(instance, dsh: dshResult), on: instance).result
      let verdict = SurgeryEvaluator.evaluate(local.partition, on: instance)
      #expect(verdict.isFeasible, "\(instance.name): \(verdict.violations)")
      #expect(verdict.objective == local.stages.largestStage)
      #expect(verdict.objective <= dsh, "\(instance.name): worse than DSH")
      #expect(verdict.objective <= SurgeryBaselines.bestChainCut(instance).stages.largestStage, "\(instance.name): worse than the chain cut")
      #expect(fitsWithin(verdict.objective, 3 * optimum))
      if close(verdict.objective, optimum) { optimal += 1 }
      if close(dsh, optimum) { dshOptimal += 1 }
    }
    print("p2-dsh-local optimal on \(optimal) / \(instances.count), DSH on \(dshOptimal)")
    #expect(Double(optimal) >= 0.95 * Double(instances.count), "optimal on \(optimal) / \(instances.count)")
  }

  @Test func isRegisteredAndReportsItsPartition() throws {
    let solver = try #require(SurgerySolvers.all.first { $0.name == "p2-dsh-local" })
    #expect(solver.role == .approximation(ratio: 3))
    let instance = try crossCheckInstances(objective: .throughput)[5]
    let outcome = DSHLocal.solve(instance)
    let partition = try #require(outcome.solution)
    #expect(SurgeryEvaluator.evaluate(partition, on: instance).objective == outcome.objective)
  }
}

/// Measured per-layer times (`deviceMs`, `serverMs`) replace FLOPs ÷ speed in every P2 timing.
@Suite struct MeasuredTimesTests {
  /// The diamond with measured device and server times on two layers; the others keep FLOPs.
  private func measured(_ objective: SurgeryObjective) throws -> SurgeryInstance {
    let base = try diamond(objective).model
    var layers = base.layers
    layers[1].deviceMs = 100   // b: 2 s by FLOPs on the device, 0.1 s measured
    layers[2].serverMs = 2000  // c: 0.3 s by FLOPs on the server, 2 s measured
    let model = try DNNModel(name: "diamond", inputBytes: base.inputBytes, layers: layers)
    return try SurgeryInstance(name: "measured", model: model, deviceGflops: 1, serverGflops: 10, uplinkMbps: 8,
                               objective: objective)
  }

  @Test func stageTimesUseTheMeasurements() throws {
    let instance = try measured(.latency)
    // a, b on the device: Te = 1 + 0.1; Tt = a's output to c (1 s) + b's output to d (0.2 s);
    // Tc = c measured 2 + d 0.4.
    #expect(SurgeryEvaluator.stageTimes(Partition(onDevice: [true, true, false, false]), on: instance)
            == StageTimes(device: 1.1, transfer: 1.2, server: 2.4))
  }

  @Test(arguments: SurgeryObjective.allCases)
  func everySolverMatchesBruteForceOnMeasuredTimes(objective: SurgeryObjective) throws {
    let instance = try measured(objective)
    let optimum = BruteForce(instance)
    let best = objective == .latency ? optimum.leastLatency : optimum.leastLargestStage
    let ilp = try SurgeryILP.solve(instance, backend: GLPKSolver())
    #expect(abs(SurgeryFamily.evaluate(try #require(ilp.solution), on: instance).objective - best) <= 1e-9 * best)
    if objective == .latency {
      #expect(abs(SurgeryFamily.evaluate(try #require(DSL.solve(instance).solution), on: instance).objective - best) <= 1e-9 * best)
    }
  }

  @Test func flopsOnlyFamiliesRejectMeasuredTimes() throws {
    var layer = Layer(name: "a", type: .fc, flops: 1e9, outputBytes: 10, paramBytes: 0, inputs: [])
    layer.deviceMs = 5
    let model = try DNNModel(name: "m", inputBytes: 100, layers: [layer])
    #expect(throws: FieldError("models[0].layers[0]",
                               "measured times (deviceMs, serverMs) are used by surgery instances only; admission instances time every layer from its FLOPs")) {
      try AdmissionInstance(name: "x", models: [model], cloudlets: [Cloudlet(name: "c", threads: 1, threadGflops: 1)], requests: [])
    }
  }
}
