import Surgery
import EdgeSplitModel
import Foundation
import ModelZoo

/// `10^x`.
func power10(_ x: Double) -> Double { pow(10, x) }

/// The optima over every predecessor-closed partition, by enumeration.
struct BruteForce {
  var partitions = 0
  var leastLatency = Double.infinity
  var leastLargestStage = Double.infinity

  init(_ instance: SurgeryInstance, visit: (Partition, StageTimes) -> Void = { _, _ in }) {
    let model = instance.model
    var onDevice = [Bool](repeating: false, count: model.layers.count)
    // Walk the topological order; a layer may go to the device only if all its inputs did.
    func place(_ position: Int) {
      if position == model.topologicalOrder.count {
        let partition = Partition(onDevice: onDevice)
        let stages = SurgeryEvaluator.stageTimes(partition, on: instance)
        partitions += 1
        leastLatency = min(leastLatency, stages.latency)
        leastLargestStage = min(leastLargestStage, stages.largestStage)
        visit(partition, stages)
        return
      }
      let v = model.topologicalOrder[position]
      onDevice[v] = false
      place(position + 1)
      if model.predecessors[v].allSatisfy({ onDevice[$0] }) {
        onDevice[v] = true
        place(position + 1)
        onDevice[v] = false
      }
    }
    place(0)
  }
}

/// The surgery instances of the cross-checks: random DAGs of 1 to 20 layers and the small zoo
/// models, across bandwidths and processor pairs.
func crossCheckInstances(objective: SurgeryObjective) throws -> [SurgeryInstance] {
  var instances: [SurgeryInstance] = []
  var rng = SeededGenerator(seed: 7)
  for seed in 0..<60 {
    let model = SyntheticNetworks.costDAG(layers: 1 + seed % 20, width: 1 + seed % 4, seed: UInt64(seed))
    instances.append(try SurgeryInstance(
      name: model.name, model: model, deviceGflops: power10(rng.uniform(in: 0...1.5)),
      serverGflops: power10(rng.uniform(in: 1.5...3)), uplinkMbps: power10(rng.uniform(in: 0...3)),
      objective: objective))
  }
  for name in ["alexnet", "branchy-alexnet", "resnet18", "vgg16", "tinyyolov2"] {
    for mbps in [1, 5.85, 18.88, 100, 1000] {
      instances.append(try SurgeryInstance(
        name: "\(name)-\(mbps)", model: ModelZoo.model(named: name)!, deviceGflops: 10, serverGflops: 1000,
        uplinkMbps: mbps, objective: objective))
    }
  }
  return instances
}

/// `a` equals `b` up to rounding in the last digits.
func close(_ a: Double, _ b: Double) -> Bool {
  a == b || abs(a - b) <= 1e-9 * max(1e-12, abs(a), abs(b))
}

/// Models of 1 to 16 layers (the shapes of `costDAG`) whose times span 10⁻¹² to 10¹⁵ seconds in
/// one model: FLOPs and bytes log-uniform over 27 orders of magnitude, some zero, one output of
/// 10¹⁷ bytes in every fourth model, random processor speeds. Nothing is rounded: these are the
/// magnitudes an epsilon or a fixed unit gets wrong.
func adversarialInstances(objective: SurgeryObjective) throws -> [SurgeryInstance] {
  var rng = SeededGenerator(seed: 1_000_003)
  func magnitude() -> Double {
    rng.uniform(in: 0..<1) < 0.08 ? 0 : power10(rng.uniform(in: -12...15))
  }
  return try (0..<40).map { seed in
    let shape = SyntheticNetworks.costDAG(layers: 1 + seed % 16, width: 1 + seed % 3, seed: UInt64(100 + seed))
    var layers = shape.layers.map { layer in
      Layer(name: layer.name, type: layer.type, flops: 1e9 * magnitude(), outputBytes: 1e6 * magnitude(),
            paramBytes: 0, inputs: layer.inputs)
    }
    if seed % 4 == 0 { layers[layers.count / 2].outputBytes = 1e17 }
    let model = try DNNModel(name: "adversarial-\(seed)", inputBytes: 1e6 * max(magnitude(), 1e-12), layers: layers)
    return try SurgeryInstance(name: model.name, model: model, deviceGflops: power10(rng.uniform(in: -1...1)),
                               serverGflops: power10(rng.uniform(in: 0...2)), uplinkMbps: 8,
                               objective: objective)
  }
}
