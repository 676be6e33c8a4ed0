/// A directed network with `Double` capacities, for maximum flows and minimum s–t cuts.
///
/// Build it arc by arc with ``addArc(from:to:capacity:)``, then call
/// ``minimumCut(source:sink:algorithm:)``. Capacities may be ``infinity`` (an arc no finite cut
/// may cross), which is how callers forbid a side assignment.
///
/// **Exactness.** The flow runs on integers, never on `Double`s with a tolerance: each pass takes
/// an upper bound `B` on the minimum cut, treats every arc above `B` as infinite (no minimum cut
/// crosses it) and rounds every other capacity *up* to a whole number of units of about
/// `B / 2⁸⁸` (the exact power of two depends on the arc count, so that sums fit in `Int128`).
/// No positive arc becomes zero, and a minimum cut of the rounded network is a minimum cut of
/// the real one up to `arcCount` units. When that slack is not below `2⁻⁵⁰` of the cut found,
/// the pass is repeated with `B` set to the cut's capacity, which is at least `2⁹` times smaller,
/// so capacities spanning any range of magnitudes are handled in a few passes.
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
    precondition(nodeCount >= 0 && nodeCount < Int(Int32.max), "node count must be in 0..<2^31 - 1")
    self.nodeCount = nodeCount
  }

  /// Number of arcs added.
  public var arcCount: Int { capacities.count }

  /// One arc as added (parallel arcs stay separate).
  public struct Arc: Sendable, Hashable {
    /// Where the arc starts.
    public var tail: Int
    /// Where the arc ends.
    public var head: Int
    /// Its capacity, possibly ``FlowNetwork/infinity``.
    public var capacity: Double
  }

  /// The arcs in the order added; self-loops and zero capacities were left out. For exporting
  /// the network to other tools.
  public var arcs: [Arc] {
    capacities.indices.map { Arc(tail: Int(tails[$0]), head: Int(heads[$0]), capacity: capacities[$0]) }
  }

  /// Adds a node and returns its index.
  @discardableResult
  public mutating func addNode() -> Int {
    precondition(nodeCount + 1 < Int(Int32.max), "too many nodes")
    nodeCount += 1
    return nodeCount - 1
  }

  /// Adds the arc `tail → head`. Parallel arcs add up; self-loops and zero capacities are ignored.
  /// - Precondition: `capacity` is `>= 0` and not NaN (``infinity`` is allowed).
  public mutating func addArc(from tail: Int, to head: Int, capacity: Double) {
    precondition(tail >= 0 && tail < nodeCount && head >= 0 && head < nodeCount, "arc \(tail) → \(head) outside 0..<\(nodeCount)")
    precondition(capacity >= 0, "capacity must be >= 0, got \(capacity)")
    guard tail != head, capacity > 0 else { return }
    tails.append(Int32(tail))
    heads.append(Int32(head))
    capacities.append(capacity)
  }

  /// How ``minimumCut(source:sink:algorithm:)`` computes the maximum flow. Both return the same
  /// cut; Dinic is kept as an independent oracle for tests.
  ///
  /// Both run on the *reversed* network, from the sink to the source. Phase one of push–relabel
  /// then yields the smallest source side directly (the nodes that can still reach the source),
  /// and on DNN surgery networks the excess moves the cheap way: the server-side excess that
  /// cannot cross the cut is cut off in bulk by the global relabeling, instead of the model
  /// input's transfer time being carried layer by layer to the cut and back (which made the
  /// forward direction grow quadratically with the depth of the cut).
  public enum Algorithm: Sendable, Hashable, CaseIterable {
    /// Highest-label push–relabel (phase one only: a maximum preflow is enough for the cut) with
    /// periodic global relabeling by a breadth-first search from the sink, and the gap
    /// heuristic. Close to linear on the layered networks of DNN surgery.
    case pushRelabel
    /// Dinic's blocking flows, with an explicit stack. O(V² E); slow when the cut lies deep.
    case dinic
  }

  /// A minimum `source`–`sink` cut.
  public struct Cut: Sendable, Hashable {
    /// The minimum cut capacity, the sum of the `Double` capacities of the arcs leaving
    /// ``sourceSide`` (``FlowNetwork/infinity`` when every cut crosses an infinite arc).
    public var value: Double
    /// `sourceSide[v]` is true for the nodes on the source's side of the minimum cut with the
    /// *smallest* source side: the nodes reachable from the source in the residual network of a
    /// maximum flow (this side is unique, whatever the algorithm). When ``value`` is infinite
    /// there is no finite cut, and this holds every node reachable from the source, the sink
    /// included.
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

  /// Computes a maximum flow and returns a minimum cut, exactly (see ``FlowNetwork``).
  ///
  /// - Complexity: push–relabel O(V² √E) per pass in the worst case, close to O(V + E) on DNN
  ///   surgery networks; Dinic O(V² E) per pass. One pass unless the minimum cut is below about
  ///   `E³ · 2⁻⁷⁵` of the first bound, the cheaper of the two trivial cuts (`2⁻²⁴` for 10⁵ arcs);
  ///   O(V + E) memory.
  public func minimumCut(source: Int, sink: Int, algorithm: Algorithm = .pushRelabel) -> Cut {
    precondition(source != sink, "source and sink must differ")
    precondition((0..<nodeCount).contains(source) && (0..<nodeCount).contains(sink), "source or sink out of range")
    // The flow runs on the reversed network, from the sink to the source: the nodes that can
    // still reach the source after its first phase are then the smallest source side.
    let graph = Adjacency(self, reversed: true)
    if graph.reaches(source, from: sink, through: { graph.capacity[$0] == .infinity }) {
      return Cut(value: Self.infinity, sourceSide: graph.reachable(from: source) { graph.capacity[Int(graph.twin[$0])] > 0 })
    }
    // Every finite cut's arcs are finite, so the cheaper trivial cut (or all finite arcs) bounds it.
    var finite = 0.0
    var sourceCut = 0.0, sinkCut = 0.0  // the cuts {source} and V ∖ {sink}
    for a in capacities.indices {
      let c = capacities[a]
      if c.isFinite { finite += c }
      if Int(tails[a]) == source { sourceCut += c }
      if Int(heads[a]) == sink { sinkCut += c }
    }
    let boundSlack = 1 + 0x1p-20  // covers the rounding of the sums above
    // (Sums of huge finite capacities can overflow; the largest finite bound still covers the cut.)
    var bound = min(boundSlack * min(finite, sourceCut, sinkCut), .greatestFiniteMagnitude)
    while true {
      var residual = Residual(graph, bound: bound)
      let flow = switch algorithm {
      case .pushRelabel: residual.pushRelabel(source: sink, sink: source)
      case .dinic: residual.dinic(source: sink, sink: source)
      }
      let side = residual.reachesSink(source)
      let value = capacity(ofCut: side)
      if flow == 0 || flow >= residual.precisionFloor || !(value * boundSlack < bound) {
        return Cut(value: value, sourceSide: side)
      }
      bound = value * boundSlack
    }
  }

  /// The network in adjacency-array form: arcs grouped by tail, each paired with its reverse.
  private struct Adjacency {
    let n: Int
    /// Arcs of node `v` are `first[v]..<first[v + 1]`.
    var first: [Int]
    var head: [Int32]
    /// Index of each arc's reverse twin.
    var twin: [Int32]
    /// The capacity of each arc slot (0 for the reverse twins).
    var capacity: [Double]

    /// The adjacency of `network`, or of `network` with every arc turned around.
    init(_ network: FlowNetwork, reversed: Bool) {
      n = network.nodeCount
      let m = network.arcCount
      precondition(2 * m < Int(Int32.max), "too many arcs")
      first = [Int](repeating: 0, count: n + 1)
      for a in 0..<m {
        first[Int(network.tails[a]) + 1] += 1
        first[Int(network.heads[a]) + 1] += 1
      }
      for v in 0..<n { first[v + 1] += first[v] }
      var next = Array(first.prefix(n))
      head = [Int32](repeating: 0, count: 2 * m)
      twin = [Int32](repeating: 0, count: 2 * m)
      capacity = [Double](repeating: 0, count: 2 * m)
      for a in 0..<m {
        let (u, v) = reversed ? (Int(network.heads[a]), Int(network.tails[a])) : (Int(network.tails[a]), Int(network.heads[a]))
        let forward = next[u], backward = next[v]
        next[u] += 1
        next[v] += 1
        head[forward] = Int32(v)
        head[backward] = Int32(u)
        capacity[forward] = network.capacities[a]
        twin[forward] = Int32(backward)
        twin[backward] = Int32(forward)
      }
    }

    /// Nodes reachable from `source` through the arc slots `open` accepts.
    func reachable(from source: Int, through open: (Int) -> Bool) -> [Bool] {
      var seen = [Bool](repeating: false, count: n)
      var stack = [source]
      seen[source] = true
      while let u = stack.popLast() {
        for a in first[u]..<first[u + 1] where open(a) && !seen[Int(head[a])] {
          seen[Int(head[a])] = true
          stack.append(Int(head[a]))
        }
      }
      return seen
    }

    func reaches(_ target: Int, from source: Int, through open: (Int) -> Bool) -> Bool {
      reachable(from: source, through: open)[target]
    }
  }

  /// Residual capacities in integer units for one pass (see ``FlowNetwork``), and the two
  /// maximum-flow algorithms on them. Every quantity is exact: no tolerance anywhere.
  private struct Residual {
    let n: Int
    let first: [Int]
    let head: [Int32]
    let twin: [Int32]
    var residual: [Int128]
    /// A flow at least this large has a rounding slack (one unit per arc) below 2⁻⁵⁰ of itself.
    let precisionFloor: Int128

    /// Capacities above `bound` become "infinite": one more than all the finite ones together,
    /// so no cut of finite capacity ever crosses one; the others are rounded up to units.
    init(_ graph: Adjacency, bound: Double) {
      n = graph.n
      first = graph.first
      head = graph.head
      twin = graph.twin
      let arcs = graph.capacity.count / 2 + 1
      let arcBits = Int.bitWidth - (arcs + 1).leadingZeroBitCount
      // Finite sums stay below arcs · 2^unitBits; infinite ones below arcs² · 2^unitBits < 2^126.
      let unitBits = 126 - 2 * arcBits
      precondition(unitBits > 10, "too many arcs for exact 128-bit capacities")
      precisionFloor = Int128(arcs) << max(0, min(50, unitBits - arcBits - 10))
      // Units per second-of-capacity: 2^shift, with bound · 2^shift < 2^unitBits.
      let shift = bound > 0 && bound.isFinite ? unitBits - 1 - Int(bound.exponent) : 0
      var finiteTotal: Int128 = 0
      residual = graph.capacity.map { c in
        guard c > 0 && c <= bound else { return 0 }
        let units = Self.roundedUp(c, times2To: shift)
        finiteTotal += units
        return units
      }
      let infinite = finiteTotal + 1
      for a in graph.capacity.indices where graph.capacity[a] > bound { residual[a] = infinite }
    }

    /// `⌈c · 2^shift⌉` computed exactly, at least 1 (no positive capacity becomes zero).
    static func roundedUp(_ c: Double, times2To shift: Int) -> Int128 {
      let exponent = Int(c.exponent) + shift  // of the scaled value, whose significand is c's
      guard exponent >= 0 else { return 1 }
      let mantissa = Int128(UInt64(c.significand * 0x1p52))  // exact: an integer below 2^53
      if exponent >= 52 { return mantissa << (exponent - 52) }
      let dropped = 52 - exponent
      return (mantissa + (Int128(1) << dropped) - 1) >> dropped
    }

    /// The nodes from which the sink is reachable through arcs with residual capacity.
    func reachesSink(_ sink: Int) -> [Bool] {
      var seen = [Bool](repeating: false, count: n)
      var queue = [sink]
      seen[sink] = true
      var index = 0
      while index < queue.count {
        let v = queue[index]
        index += 1
        for a in first[v]..<first[v + 1] where !seen[Int(head[a])] && residual[Int(twin[a])] > 0 {
          seen[Int(head[a])] = true
          queue.append(Int(head[a]))
        }
      }
      return seen
    }

    // MARK: Push–relabel

    /// Highest-label push–relabel, phase one: afterwards no node that can still reach the sink
    /// holds excess, so the sink's excess is the maximum flow value. Returns it. (`source` and
    /// `sink` are those of the reversed network this runs on.)
    mutating func pushRelabel(source: Int, sink: Int) -> Int128 {
      var state = PushRelabelState(n: n, source: source, sink: sink)
      for a in first[source]..<first[source + 1] where residual[a] > 0 {
        let w = Int(head[a])
        state.excess[w] += residual[a]
        residual[Int(twin[a])] += residual[a]
        residual[a] = 0
      }
      globalRelabel(&state)
      let relabelBudget = 6 * n + first[n] / 2
      while state.highestActive >= 0 {
        let level = state.highestActive
        let v = Int(state.activeHead[level])
        guard v >= 0 else {
          state.highestActive -= 1
          continue
        }
        state.activeHead[level] = state.activeNext[v]
        discharge(v, &state)
        if state.work > relabelBudget {
          globalRelabel(&state)
        }
      }
      return state.excess[sink]
    }

    /// Labels every node with its residual distance to the sink (`n` when it cannot reach it)
    /// and rebuilds the buckets.
    func globalRelabel(_ state: inout PushRelabelState) {
      state.work = 0
      let unreached = Int32(n)
      for v in 0..<n { state.label[v] = unreached }
      state.resetBuckets()
      state.label[state.sink] = 0
      var queue = [state.sink]
      queue.reserveCapacity(n)
      var index = 0
      while index < queue.count {
        let v = queue[index]
        index += 1
        let next = state.label[v] + 1
        for a in first[v]..<first[v + 1] {
          let u = Int(head[a])
          if state.label[u] == unreached && u != state.source && residual[Int(twin[a])] > 0 {
            state.label[u] = next
            state.insert(u)
            if state.excess[u] > 0 { state.activate(u) }
            queue.append(u)
          }
        }
      }
      for v in 0..<n { state.current[v] = Int32(first[v]) }
    }

    /// Pushes `v`'s excess along admissible arcs, relabeling as needed, until the excess is gone
    /// or `v` can no longer reach the sink.
    mutating func discharge(_ v: Int, _ state: inout PushRelabelState) {
      let end = first[v + 1]
      while true {
        let d = state.label[v]
        var a = Int(state.current[v])
        while a < end {
          let w = Int(head[a])
          if residual[a] > 0 && state.label[w] == d - 1 {
            let amount = min(state.excess[v], residual[a])
            residual[a] -= amount
            residual[Int(twin[a])] += amount
            if state.excess[w] == 0 && w != state.sink { state.activate(w) }
            state.excess[w] += amount
            state.excess[v] -= amount
            if state.excess[v] == 0 { break }
          }
          a += 1
        }
        state.current[v] = Int32(a)
        if state.excess[v] == 0 { return }
        // Relabel: one more than the lowest neighbour still reachable through a residual arc.
        state.work += 12 + end - first[v]
        var lowest = Int32(n), lowestArc = first[v]
        for b in first[v]..<end where residual[b] > 0 && state.label[Int(head[b])] < lowest {
          lowest = state.label[Int(head[b])]
          lowestArc = b
        }
        state.remove(v)
        if state.isEmpty(level: d) {
          state.gap(above: d)  // no node left at d: nothing above it can reach the sink
          state.label[v] = Int32(n)
          return
        }
        state.label[v] = min(lowest + 1, Int32(n))
        if state.label[v] >= n { return }
        state.insert(v)
        state.current[v] = Int32(lowestArc)
      }
    }

    // MARK: Dinic

    /// BFS distances from `source` over residual arcs; -1 when unreachable.
    func levels(from source: Int) -> [Int] {
      var level = [Int](repeating: -1, count: n)
      var queue = [source]
      level[source] = 0
      var index = 0
      while index < queue.count {
        let u = queue[index]
        index += 1
        for a in first[u]..<first[u + 1] where residual[a] > 0 && level[Int(head[a])] < 0 {
          level[Int(head[a])] = level[u] + 1
          queue.append(Int(head[a]))
        }
      }
      return level
    }

    /// Dinic's phases until the sink is unreachable; returns the flow value.
    mutating func dinic(source: Int, sink: Int) -> Int128 {
      var total: Int128 = 0
      var path: [Int] = []  // arcs from the source to the current node
      while true {
        var level = levels(from: source)
        guard level[sink] >= 0 else { return total }
        var current = Array(first.prefix(n))
        var node = source
        while true {
          if node == sink {
            var amount = Int128.max
            for a in path { amount = min(amount, residual[a]) }
            for a in path {
              residual[a] -= amount
              residual[Int(twin[a])] += amount
            }
            total += amount
            // Retreat to the tail of the first saturated arc.
            let saturated = path.firstIndex { residual[$0] == 0 }!
            path.removeSubrange(saturated...)
            node = path.last.map { Int(head[$0]) } ?? source
            continue
          }
          var advanced = false
          while current[node] < first[node + 1] {
            let a = current[node]
            let next = Int(head[a])
            if residual[a] > 0 && level[next] == level[node] + 1 {
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
          node = Int(head[Int(twin[back])])
          current[node] += 1
        }
      }
    }
  }

  /// Labels, excesses and the label buckets of push–relabel: a stack of active nodes per label,
  /// and a doubly linked list of all nodes per label (below `n`) for the gap heuristic.
  private struct PushRelabelState {
    let n: Int, source: Int, sink: Int
    var label: [Int32]
    var excess: [Int128]
    var current: [Int32]
    var activeHead: [Int32], activeNext: [Int32]
    var levelHead: [Int32], levelNext: [Int32], levelPrevious: [Int32]
    /// Highest label that may hold an active node, and highest label holding any node.
    var highestActive = -1, highestLevel = -1
    /// Relabeling work since the last global relabel.
    var work = 0

    init(n: Int, source: Int, sink: Int) {
      self.n = n
      self.source = source
      self.sink = sink
      label = [Int32](repeating: Int32(n), count: n)
      excess = [Int128](repeating: 0, count: n)
      current = [Int32](repeating: 0, count: n)
      activeHead = [Int32](repeating: -1, count: n)
      activeNext = [Int32](repeating: -1, count: n)
      levelHead = [Int32](repeating: -1, count: n)
      levelNext = [Int32](repeating: -1, count: n)
      levelPrevious = [Int32](repeating: -1, count: n)
    }

    mutating func resetBuckets() {
      for k in 0..<n {
        activeHead[k] = -1
        levelHead[k] = -1
      }
      highestActive = -1
      highestLevel = -1
    }

    /// Adds `v` (label below `n`) to its label's list.
    mutating func insert(_ v: Int) {
      let d = Int(label[v])
      levelPrevious[v] = -1
      levelNext[v] = levelHead[d]
      if levelHead[d] >= 0 { levelPrevious[Int(levelHead[d])] = Int32(v) }
      levelHead[d] = Int32(v)
      highestLevel = max(highestLevel, d)
    }

    /// Pushes `v` on its label's active stack.
    mutating func activate(_ v: Int) {
      let d = Int(label[v])
      activeNext[v] = activeHead[d]
      activeHead[d] = Int32(v)
      highestActive = max(highestActive, d)
    }

    /// Takes `v` out of its label's list (it is not on an active stack while discharged).
    mutating func remove(_ v: Int) {
      let d = Int(label[v])
      let previous = Int(levelPrevious[v]), next = Int(levelNext[v])
      if previous >= 0 { levelNext[previous] = Int32(next) } else { levelHead[d] = Int32(next) }
      if next >= 0 { levelPrevious[next] = Int32(previous) }
    }

    func isEmpty(level d: Int32) -> Bool { levelHead[Int(d)] < 0 }

    /// The gap heuristic: every node labelled above `d` is cut off from the sink.
    mutating func gap(above d: Int32) {
      let start = Int(d) + 1
      if start <= highestLevel {
        for k in start...highestLevel {
          var v = Int(levelHead[k])
          while v >= 0 {
            label[v] = Int32(n)
            v = Int(levelNext[v])
          }
          levelHead[k] = -1
          activeHead[k] = -1
        }
      }
      highestLevel = Int(d) - 1
      highestActive = min(highestActive, Int(d) - 1)
    }
  }
}
