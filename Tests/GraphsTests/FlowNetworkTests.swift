import EdgeSplitModel
import Graphs
import Testing

/// The least capacity over every s–t cut, by enumerating all sides (source 0, sink n − 1).
private func bruteForceMinimumCut(_ network: FlowNetwork) -> Double {
  let n = network.nodeCount
  let middle = n - 2
  var best = Double.infinity
  for mask in 0..<(1 << middle) {
    var side = [Bool](repeating: false, count: n)
    side[0] = true
    for i in 0..<middle where mask & (1 << i) != 0 { side[i + 1] = true }
    best = min(best, network.capacity(ofCut: side))
  }
  return best
}

/// A random network on `n` nodes: each ordered pair gets an arc with probability `density`,
/// a few of them infinite.
private func randomNetwork(_ n: Int, density: Double, infiniteShare: Double, _ rng: inout SeededGenerator) -> FlowNetwork {
  var network = FlowNetwork(nodeCount: n)
  for u in 0..<n {
    for v in 0..<n where u != v && Double.random(in: 0..<1, using: &rng) < density {
      let capacity = Double.random(in: 0..<1, using: &rng) < infiniteShare
        ? FlowNetwork.infinity : Double.random(in: 0.001...10, using: &rng)
      network.addArc(from: u, to: v, capacity: capacity)
    }
  }
  return network
}

private func close(_ a: Double, _ b: Double) -> Bool {
  a == b || abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
}

@Suite struct FlowNetworkTests {
  @Test func textbookNetwork() {
    // CLRS Fig. 26.1: maximum flow 23.
    var network = FlowNetwork(nodeCount: 6)
    for (u, v, c) in [(0, 1, 16.0), (0, 2, 13), (2, 1, 4), (1, 3, 12), (3, 2, 9), (2, 4, 14), (4, 3, 7), (3, 5, 20), (4, 5, 4)] {
      network.addArc(from: u, to: v, capacity: c)
    }
    let cut = network.minimumCut(source: 0, sink: 5)
    #expect(cut.value == 23)
    #expect(cut.sourceSide == [true, true, true, false, true, false])
    #expect(network.capacity(ofCut: cut.sourceSide) == 23)
  }

  @Test func infiniteEverywhereAndDisconnected() {
    var network = FlowNetwork(nodeCount: 3)
    network.addArc(from: 0, to: 1, capacity: FlowNetwork.infinity)
    network.addArc(from: 1, to: 2, capacity: FlowNetwork.infinity)
    #expect(network.minimumCut(source: 0, sink: 2).value == .infinity)
    let apart = FlowNetwork(nodeCount: 2)
    let cut = apart.minimumCut(source: 0, sink: 1)
    #expect(cut.value == 0 && cut.sourceSide == [true, false])
  }

  @Test(arguments: 0..<300)
  func matchesBruteForceOnRandomNetworks(seed: Int) {
    var rng = SeededGenerator(seed: UInt64(seed))
    let n = Int.random(in: 2...10, using: &rng)
    let network = randomNetwork(n, density: Double.random(in: 0.15...0.7, using: &rng),
                                infiniteShare: seed % 3 == 0 ? 0 : 0.2, &rng)
    let cut = network.minimumCut(source: 0, sink: n - 1)
    let expected = bruteForceMinimumCut(network)
    #expect(close(cut.value, expected), "seed \(seed): flow \(cut.value), brute force \(expected)")
    #expect(cut.sourceSide[0])
    if expected.isFinite {
      #expect(!cut.sourceSide[n - 1])
      #expect(close(network.capacity(ofCut: cut.sourceSide), expected), "the returned side is not a minimum cut")
    } else {
      #expect(cut.sourceSide[n - 1], "no finite cut, yet the sink is not reached")
    }
  }

  @Test func deepChainDoesNotRecurse() {
    // A 200,000-node path: a recursive search would overflow a test thread's stack.
    let n = 200_000
    var network = FlowNetwork(nodeCount: n)
    for v in 0..<(n - 1) { network.addArc(from: v, to: v + 1, capacity: v == n / 2 ? 0.5 : 1) }
    let cut = network.minimumCut(source: 0, sink: n - 1)
    #expect(cut.value == 0.5)
    #expect(cut.sourceSide.filter { $0 }.count == n / 2 + 1)
  }
}
