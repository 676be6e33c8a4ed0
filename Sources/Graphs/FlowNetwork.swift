/// A directed network with `Double` capacities, for maximum flows and minimum s–t cuts.
///
/// Build it arc by arc with ``addArc(from:to:capacity:)``, then call
/// ``minimumCut(source:sink:)``. Capacities may be ``infinity`` (an arc no finite cut may
/// cross), which is how callers forbid a side assignment.
public struct FlowNetwork: Sendable {
  /// The capacity of an arc that must never be cut.
  public static let infinity = Double.infinity

  /// Number of nodes; nodes are `0..<nodeCount`.
  public private(set) var nodeCount: Int
  private var tails: [Int32] = []
  private var heads: [Int32] = []
  private var capacities: [Double] = []

  /// An empty network on `nodeCount` nodes.
  public init(nodeCount: Int) {
    precondition(nodeCount >= 0, "node count must be >= 0")
    self.nodeCount = nodeCount
  }

  /// Number of arcs added.
  public var arcCount: Int { capacities.count }

  /// Adds a node and returns its index.
  @discardableResult
  public mutating func addNode() -> Int {
    nodeCount += 1
    return nodeCount - 1
  }

  /// Adds the arc `tail → head`. Parallel arcs add up; self-loops are ignored.
  /// - Precondition: `capacity` is `>= 0` and not NaN (``infinity`` is allowed).
  public mutating func addArc(from tail: Int, to head: Int, capacity: Double) {
    precondition(tail >= 0 && tail < nodeCount && head >= 0 && head < nodeCount, "arc \(tail) → \(head) outside 0..<\(nodeCount)")
    precondition(capacity >= 0, "capacity must be >= 0, got \(capacity)")
    guard tail != head, capacity > 0 else { return }
    tails.append(Int32(tail))
    heads.append(Int32(head))
    capacities.append(capacity)
  }

  /// A minimum `source`–`sink` cut.
  public struct Cut: Sendable, Hashable {
    /// The maximum flow value, which equals the minimum cut capacity (``FlowNetwork/infinity``
    /// when every cut crosses an infinite arc).
    public var value: Double
    /// `sourceSide[v]` is true for the nodes on the source's side of a minimum cut: those
    /// reachable from the source in the final residual network (the smallest such side).
    /// When ``value`` is infinite there is no finite cut, and this holds every node reachable
    /// from the source, the sink included.
    public var sourceSide: [Bool]
  }

  /// The capacity of the cut whose source side is `sourceSide`: the sum of the arcs leaving it.
  public func capacity(ofCut sourceSide: [Bool]) -> Double {
    precondition(sourceSide.count == nodeCount, "a side needs one flag per node")
    var total = 0.0
    for a in capacities.indices where sourceSide[Int(tails[a])] && !sourceSide[Int(heads[a])] {
      total += capacities[a]
    }
    return total
  }

  /// Computes a maximum flow by Dinic's algorithm and returns a minimum cut.
  ///
  /// The residual network is an adjacency array (arcs grouped by tail, each paired with its
  /// reverse); blocking flows are found with an explicit stack, so deep networks do not
  /// recurse. Residual capacities below `1e-12 ×` (sum of finite capacities) count as zero,
  /// so rounding cannot make the algorithm chase vanishing augmenting paths; the cut returned
  /// is minimum up to that slack per arc.
  /// - Complexity: O(V² E) time in the worst case, far less on the layered graphs of DNN
  ///   surgery; O(V + E) memory.
  public func minimumCut(source: Int, sink: Int) -> Cut {
    precondition(source != sink, "source and sink must differ")
    precondition((0..<nodeCount).contains(source) && (0..<nodeCount).contains(sink), "source or sink out of range")
    var residual = Residual(self)
    if residual.reachable(from: source, onlyInfinite: true)[sink] {
      return Cut(value: Self.infinity, sourceSide: residual.reachable(from: source, onlyInfinite: false))
    }
    let value = residual.pushMaximumFlow(source: source, sink: sink)
    return Cut(value: value, sourceSide: residual.reachable(from: source, onlyInfinite: false))
  }

  /// The residual network in adjacency-array form.
  private struct Residual {
    let n: Int
    /// Arcs of node `v` are `first[v]..<first[v + 1]`.
    var first: [Int]
    var head: [Int32]
    var residual: [Double]
    /// Index of each arc's reverse twin.
    var twin: [Int]
    let epsilon: Double

    init(_ network: FlowNetwork) {
      n = network.nodeCount
      let m = network.arcCount
      var degree = [Int](repeating: 0, count: n + 1)
      for a in 0..<m {
        degree[Int(network.tails[a])] += 1
        degree[Int(network.heads[a])] += 1
      }
      first = [Int](repeating: 0, count: n + 1)
      for v in 0..<n { first[v + 1] = first[v] + degree[v] }
      var next = Array(first.prefix(n))
      head = [Int32](repeating: 0, count: 2 * m)
      residual = [Double](repeating: 0, count: 2 * m)
      twin = [Int](repeating: 0, count: 2 * m)
      var finiteTotal = 0.0
      for a in 0..<m {
        let u = Int(network.tails[a]), v = Int(network.heads[a])
        let forward = next[u], backward = next[v]
        next[u] += 1
        next[v] += 1
        head[forward] = Int32(v)
        head[backward] = Int32(u)
        residual[forward] = network.capacities[a]
        twin[forward] = backward
        twin[backward] = forward
        if network.capacities[a].isFinite { finiteTotal += network.capacities[a] }
      }
      epsilon = 1e-12 * finiteTotal
    }

    /// Nodes reachable from `source` through residual arcs (only infinite ones if asked).
    func reachable(from source: Int, onlyInfinite: Bool) -> [Bool] {
      var seen = [Bool](repeating: false, count: n)
      var stack = [source]
      seen[source] = true
      while let u = stack.popLast() {
        for a in first[u]..<first[u + 1] {
          let v = Int(head[a])
          let open = onlyInfinite ? residual[a] == .infinity : residual[a] > epsilon
          if open && !seen[v] {
            seen[v] = true
            stack.append(v)
          }
        }
      }
      return seen
    }

    /// BFS distances from `source` over residual arcs; -1 when unreachable.
    func levels(from source: Int) -> [Int] {
      var level = [Int](repeating: -1, count: n)
      var queue = [source]
      level[source] = 0
      var index = 0
      while index < queue.count {
        let u = queue[index]
        index += 1
        for a in first[u]..<first[u + 1] where residual[a] > epsilon && level[Int(head[a])] < 0 {
          level[Int(head[a])] = level[u] + 1
          queue.append(Int(head[a]))
        }
      }
      return level
    }

    /// Dinic's phases until the sink is unreachable; returns the flow value.
    /// Requires that no source–sink path uses only infinite arcs.
    mutating func pushMaximumFlow(source: Int, sink: Int) -> Double {
      var total = 0.0
      var path: [Int] = []  // arcs from the source to the current node
      while true {
        var level = levels(from: source)
        guard level[sink] >= 0 else { return total }
        var current = Array(first.prefix(n))
        var node = source
        while true {
          if node == sink {
            var amount = Double.infinity
            for a in path { amount = min(amount, residual[a]) }
            for a in path {
              residual[a] -= amount
              residual[twin[a]] += amount
            }
            total += amount
            // Retreat to the tail of the first saturated arc.
            let saturated = path.firstIndex { residual[$0] <= epsilon }!
            path.removeSubrange(saturated...)
            node = path.last.map { Int(head[$0]) } ?? source
            continue
          }
          var advanced = false
          while current[node] < first[node + 1] {
            let a = current[node]
            let next = Int(head[a])
            if residual[a] > epsilon && level[next] == level[node] + 1 {
              path.append(a)
              node = next
              advanced = true
              break
            }
            current[node] += 1
          }
          if advanced { continue }
          if node == source { break }
          level[node] = -1  // dead end for the rest of this phase
          let back = path.removeLast()
          node = Int(head[twin[back]])
          current[node] += 1
        }
      }
    }
  }
}
