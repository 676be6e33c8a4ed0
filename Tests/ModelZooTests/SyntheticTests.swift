import Testing
import EdgeSplitModel
import ModelZoo

/// Checks every generator must pass: exact size, file order topological (hence acyclic).
func checkGenerated(_ model: DNNModel, layers: Int) {
  #expect(model.layers.count == layers)
  #expect(model.topologicalOrder == Array(0..<layers))
  for (i, preds) in model.predecessors.enumerated() { #expect(preds.allSatisfy { $0 < i }) }
  #expect(model.totalFlops > 0)
}

@Suite("Synthetic networks")
struct SyntheticTests {
  static let sizes = [1, 2, 3, 4, 5, 9, 40, 257]

  @Test(arguments: sizes, [UInt64(1), 42])
  func randomChainIsAChainOfExactSize(layers: Int, seed: UInt64) {
    let model = SyntheticNetworks.randomChain(layers: layers, seed: seed)
    checkGenerated(model, layers: layers)
    #expect(model.isChain)
  }

  @Test(arguments: sizes, [1, 2, 4])
  func randomDAGRespectsFanIn(layers: Int, maxFanIn: Int) {
    let model = SyntheticNetworks.randomDAG(layers: layers, maxFanIn: maxFanIn, seed: 7)
    checkGenerated(model, layers: layers)
    #expect(model.predecessors.allSatisfy { $0.count <= maxFanIn })
    #expect(model.layers.allSatisfy { $0.flops > 0 }, "every layer does work")
    if layers >= 40 && maxFanIn > 1 { #expect(!model.isChain) }
  }

  @Test(arguments: sizes, [UInt64(3), 99])
  func deepDAGHasExactSize(layers: Int, seed: UInt64) {
    let model = SyntheticNetworks.deepDAG(layers: layers, seed: seed)
    checkGenerated(model, layers: layers)
    if layers >= 40 {
      #expect(!model.isChain)
      #expect(model.layers.contains { $0.type == .add })
    }
  }

  @Test(arguments: sizes, [1, 3, 8])
  func costDAGReadsWithinItsWidth(layers: Int, width: Int) {
    let model = SyntheticNetworks.costDAG(layers: layers, width: width, seed: 11, inputShare: 0)
    #expect(model.layers.count == layers)
    #expect(model.topologicalOrder == Array(0..<layers))
    for (i, preds) in model.predecessors.enumerated() {
      #expect(preds.allSatisfy { $0 < i && $0 >= i - width })
      #expect(preds.isEmpty == (i == 0), "with inputShare 0 only the first layer reads the input")
    }
    #expect(model.layers.allSatisfy { (1_000...3_162_278).contains($0.outputBytes) })  // 10³ … 10^6.5
    #expect(SyntheticNetworks.costDAG(layers: layers, width: width, seed: 11, inputShare: 0) == model)
    if layers >= 40 { #expect(SyntheticNetworks.costDAG(layers: layers, width: width, seed: 12, inputShare: 0) != model) }
  }

  @Test func generatorsAreDeterministicPerSeed() {
    #expect(SyntheticNetworks.randomChain(layers: 300, seed: 5) == SyntheticNetworks.randomChain(layers: 300, seed: 5))
    #expect(SyntheticNetworks.randomChain(layers: 300, seed: 5) != SyntheticNetworks.randomChain(layers: 300, seed: 6))
    #expect(SyntheticNetworks.randomDAG(layers: 300, maxFanIn: 3, seed: 5)
      == SyntheticNetworks.randomDAG(layers: 300, maxFanIn: 3, seed: 5))
    #expect(SyntheticNetworks.randomDAG(layers: 300, maxFanIn: 3, seed: 5)
      != SyntheticNetworks.randomDAG(layers: 300, maxFanIn: 3, seed: 6))
    #expect(SyntheticNetworks.deepDAG(layers: 300, seed: 5) == SyntheticNetworks.deepDAG(layers: 300, seed: 5))
    #expect(SyntheticNetworks.deepDAG(layers: 300, seed: 5) != SyntheticNetworks.deepDAG(layers: 300, seed: 6))
  }

  /// Pins the exact output for one seed, so a change in the draws (not just in this run) shows.
  @Test func generatorsArePinned() {
    let dag = SyntheticNetworks.randomDAG(layers: 12, maxFanIn: 3, seed: 2)
    #expect(dag.layers.map(\.inputs) == [
      [], ["L0"], ["L1", "L0"], ["L2"], ["L3"], ["L4"], ["L5", "L1", "L0"], ["L6", "L1", "L0"],
      ["L7"], ["L8", "L3"], ["L9"], ["L10", "L8"],
    ])
    #expect(SyntheticNetworks.deepDAG(layers: 60, seed: 3).totalFlops == 13_881_712_640)
  }

  @Test func tenThousandLayerDAGsBuild() {
    let deep = SyntheticNetworks.deepDAG(layers: 10_000, seed: 1)
    checkGenerated(deep, layers: 10_000)
    #expect(!deep.isChain)
    #expect(deep.layers.contains { $0.type == .concat })
    let random = SyntheticNetworks.randomDAG(layers: 10_000, maxFanIn: 3, seed: 1)
    checkGenerated(random, layers: 10_000)
  }
}
