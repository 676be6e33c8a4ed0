import EdgeSplitModel
import Foundation
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
    for v in 0..<n where u != v && rng.uniform(in: 0..<1) < density {
      let capacity = rng.uniform(in: 0..<1) < infiniteShare
        ? FlowNetwork.infinity : rng.uniform(in: 0.001...10)
      network.addArc(from: u, to: v, capacity: capacity)
    }
  }
  return network
}

private func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
  a == b || abs(a - b) <= relative * max(abs(a), abs(b))
}

@Suite struct FlowNetworkTests {
  @Test func textbookNetwork() {
    // CLRS Fig. 26.1: maximum flow 23.
    var network = FlowNetwork(nodeCount: 6)
    for (u, v, c) in [(0, 1, 16.0), (0, 2, 13), (2, 1, 4), (1, 3, 12), (3, 2, 9), (2, 4, 14), (4, 3, 7), (3, 5, 20), (4, 5, 4)] {
      network.addArc(from: u, to: v, capacity: c)
    }
    for algorithm in FlowNetwork.Algorithm.allCases {
      let cut = network.minimumCut(source: 0, sink: 5, algorithm: algorithm)
      #expect(cut.value == 23)
      #expect(cut.sourceSide == [true, true, true, false, true, false])
      #expect(network.capacity(ofCut: cut.sourceSide) == 23)
    }
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
    let n = rng.integer(in: 2...10)
    let network = randomNetwork(n, density: rng.uniform(in: 0.15...0.7),
                                infiniteShare: seed % 3 == 0 ? 0 : 0.2, &rng)
    let expected = bruteForceMinimumCut(network)
    for algorithm in FlowNetwork.Algorithm.allCases {
      let cut = network.minimumCut(source: 0, sink: n - 1, algorithm: algorithm)
      #expect(close(cut.value, expected), "seed \(seed), \(algorithm): flow \(cut.value), brute force \(expected)")
      #expect(cut.sourceSide[0])
      if expected.isFinite {
        #expect(!cut.sourceSide[n - 1])
        #expect(close(network.capacity(ofCut: cut.sourceSide), expected), "the returned side is not a minimum cut")
      } else {
        #expect(cut.sourceSide[n - 1], "no finite cut, yet the sink is not reached")
      }
    }
  }

  /// Push–relabel against the Dinic oracle on larger layered networks like DNN surgery's: the
  /// same value and the same (largest) source side.
  @Test(arguments: 0..<40)
  func pushRelabelMatchesDinic(seed: Int) {
    var rng = SeededGenerator(seed: UInt64(1000 + seed))
    let layers = rng.integer(in: 20...400)
    var network = FlowNetwork(nodeCount: layers + 2)
    let source = layers, sink = layers + 1
    func capacity() -> Double { rng.uniform(in: 0...1) < 0.05 ? 0 : rng.uniform(in: 1...1000).rounded() }
    for v in 0..<layers {
      network.addArc(from: source, to: v, capacity: capacity())
      network.addArc(from: v, to: sink, capacity: capacity())
      for _ in 0..<rng.integer(in: 1...3) where v > 0 {
        let u = rng.integer(in: max(0, v - 8)..<v)
        network.addArc(from: u, to: v, capacity: capacity())
        network.addArc(from: v, to: u, capacity: FlowNetwork.infinity)
      }
    }
    let pushRelabel = network.minimumCut(source: source, sink: sink)
    let dinic = network.minimumCut(source: source, sink: sink, algorithm: .dinic)
    #expect(pushRelabel.value == dinic.value, "seed \(seed)")  // integral capacities: exact sums
    #expect(pushRelabel.sourceSide == dinic.sourceSide, "seed \(seed)")
  }

  /// Capacities from 1e-12 to 1e17 in one network: no small arc may vanish next to a huge one.
  @Test(arguments: 0..<200)
  func exactAcrossMagnitudes(seed: Int) {
    var rng = SeededGenerator(seed: UInt64(5000 + seed))
    let n = rng.integer(in: 3...9)
    var network = FlowNetwork(nodeCount: n)
    for u in 0..<n {
      for v in 0..<n where u != v && rng.uniform(in: 0..<1) < 0.5 {
        let capacity = rng.uniform(in: 0..<1) < 0.1
          ? FlowNetwork.infinity : pow(10, rng.uniform(in: -12...17))
        network.addArc(from: u, to: v, capacity: capacity)
      }
    }
    let expected = bruteForceMinimumCut(network)
    for algorithm in FlowNetwork.Algorithm.allCases {
      let cut = network.minimumCut(source: 0, sink: n - 1, algorithm: algorithm)
      #expect(close(cut.value, expected, relative: 1e-12), "seed \(seed), \(algorithm): \(cut.value) vs \(expected)")
    }
  }

  @Test func tinyArcBehindAHugeOne() {
    // 0 → 1 carries 1e17; the only way on is 1e-12 wide. An epsilon relative to the total
    // capacity would read the cut as 0.
    var network = FlowNetwork(nodeCount: 4)
    network.addArc(from: 0, to: 1, capacity: 1e17)
    network.addArc(from: 1, to: 2, capacity: 1e-12)
    network.addArc(from: 2, to: 3, capacity: 3e-12)
    network.addArc(from: 0, to: 3, capacity: 5e-300)
    for algorithm in FlowNetwork.Algorithm.allCases {
      let cut = network.minimumCut(source: 0, sink: 3, algorithm: algorithm)
      #expect(cut.value == 1e-12 + 5e-300)
      #expect(cut.sourceSide == [true, true, false, false])
    }
  }

  @Test func capacitiesNearTheLargestDouble() {
    // The capacities add up past Double.greatestFiniteMagnitude; the cut itself does not.
    var network = FlowNetwork(nodeCount: 4)
    network.addArc(from: 0, to: 1, capacity: 1.5e308)
    network.addArc(from: 1, to: 3, capacity: 1e308)
    network.addArc(from: 0, to: 2, capacity: 1e308)
    network.addArc(from: 2, to: 3, capacity: 1e-300)
    for algorithm in FlowNetwork.Algorithm.allCases {
      let cut = network.minimumCut(source: 0, sink: 3, algorithm: algorithm)
      #expect(cut.value == 1e308 + 1e-300)
      #expect(cut.sourceSide == [true, true, true, false])
    }
  }

  @Test func deepChainDoesNotRecurse() {
    // A 200,000-node path: a recursive search would overflow a test thread's stack.
    let n = 200_000
    var network = FlowNetwork(nodeCount: n)
    for v in 0..<(n - 1) { network.addArc(from: v, to: v + 1, capacity: v == n / 2 ? 0.5 : 1) }
    for algorithm in FlowNetwork.Algorithm.allCases {
      let cut = network.minimumCut(source: 0, sink: n - 1, algorithm: algorithm)
      #expect(cut.value == 0.5)
      #expect(cut.sourceSide.filter { $0 }.count == n / 2 + 1)
    }
  }
}
