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
      name: model.name, model: model, deviceGflops: power10(Double.random(in: 0...1.5, using: &rng)),
      serverGflops: power10(Double.random(in: 1.5...3, using: &rng)), uplinkMbps: power10(Double.random(in: 0...3, using: &rng)),
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
