import EdgeSplitModel

/// PBT-DP: a pruned binary-tree search for one UE's partition at fixed shares.
///
/// The tree decides the layers in the UE's execution order (``UploadUE/order``), one level per layer, a branch
/// for *device* and one for *server*. The long-term influence of a choice is used three ways:
/// - **Forcing**: a layer with a predecessor on the server is forced to the server (no data
///   returns to the device), so choosing the server for a layer removes the device branch of all
///   its descendants; on a chain the tree has only `n + 1` leaves.
/// - **Bound**: a node whose lower bound `max(D, U / b, W / f)` already reaches the incumbent is
///   pruned. `D` is the device time of the layers decided on the device, `U` the bytes those
///   decisions certainly send (parameters of decided server layers, tensors they read) and `W`
///   the decided server FLOPs, all over the UE's ``UploadUE/frames`` (device time, tensors and
///   FLOPs once per frame, parameters once): the device, the uplink and the server each work one
///   item at a time, so each term is a valid lower bound on the completion time. The incumbent starts at
///   the best prefix of the execution order (all-device and all-server included) replayed by
///   ``UploadEvaluator``.
/// - **Dominance** (a heuristic rule): two nodes of one level with the same *frontier* (decided
///   layers whose readers are still undecided, with their sides and whether their tensors are
///   already sent) can be completed the same ways; one that is no better in `D`, `U` and `W` is
///   dropped. Because the evaluator's timeline is not monotone in these sums (tensor priority,
///   overlap), this rule can lose the optimum; the README reports how often it does.
///
/// At most ``beamWidth`` nodes per level are kept (the smallest lower bounds). Leaves are
/// replayed by ``UploadEvaluator/timeline(of:_:mode:)``.
public enum PBTDP {
  /// Largest number of nodes kept per level.
  public static let beamWidth = 64

  /// The result of one search.
  public struct Result: Sendable {
    /// The best partition found.
    public var onDevice: [Bool]
    /// Its completion time in seconds.
    public var latency: Double
    /// Nodes created.
    public var nodes: Int
  }

  private struct Node {
    var onDevice: [Bool]
    /// One frame's device seconds of the decided layers.
    var device: Double
    /// One frame's bytes the decisions certainly send: parameters and tensors.
    var bytes: Double
    /// The tensors among ``bytes``: the part every further frame sends again.
    var tensorBytes: Double
    /// One frame's server FLOPs of the decided layers.
    var flops: Double
    var inputSent: Bool
  }

  /// The best partition PBT-DP finds for `ue` with shares `f` GFLOP/s and `b` Mbit/s (both > 0).
  public static func partition(_ ue: UploadUE, computeGflops f: Double, bandwidthMbps b: Double, mode: UploadMode) -> Result {
    precondition(f > 0 && b > 0, "PBT-DP needs positive shares")
    let model = ue.model
    let order = ue.order
    let n = model.layers.count
    func latency(_ onDevice: [Bool]) -> Double {
      UploadEvaluator.timeline(of: ue, UploadDecision(onDevice: onDevice, computeGflops: f, bandwidthMbps: b), mode: mode).completion
    }
    var best = (onDevice: [Bool](repeating: true, count: n), latency: Double.infinity)
    for prefix in 0...n {
      var onDevice = [Bool](repeating: false, count: n)
      for v in order.prefix(prefix) { onDevice[v] = true }
      let value = latency(onDevice)
      if value < best.latency { best = (onDevice, value) }
    }
    var position = [Int](repeating: 0, count: n)
    for (p, v) in order.enumerated() { position[v] = p }
    // Over all frames: device time and FLOPs once per frame, tensors once per frame, parameters
    // once (one frame adds nothing: `x + 0 * t` is `x`).
    let frames = Double(ue.frames)
    func device(_ node: Node) -> Double { frames * node.device }
    func bytes(_ node: Node) -> Double { node.bytes + (frames - 1) * node.tensorBytes }
    func flops(_ node: Node) -> Double { frames * node.flops }
    func bound(_ node: Node) -> Double {
      max(device(node), Seconds.transfer(bytes(node), mbps: b), Seconds.compute(flops(node), gflops: f))
    }
    var level = [Node(onDevice: [Bool](repeating: true, count: n), device: 0, bytes: 0, tensorBytes: 0, flops: 0, inputSent: false)]
    // Whether device layer `u`'s tensor is sent: some decided reader (position <= depth) is on the server.
    func sent(_ u: Int, _ node: Node, _ depth: Int) -> Bool {
      model.successors[u].contains { position[$0] <= depth && !node.onDevice[$0] }
    }
    var nodes = 1
    for (depth, v) in order.enumerated() {
      let layer = model.layers[v]
      var children: [Node] = []
      for node in level {
        if model.predecessors[v].allSatisfy({ node.onDevice[$0] }) {
          var child = node
          child.device += Seconds.compute(layer.flops, gflops: ue.deviceGflops)
          children.append(child)
        }
        var child = node
        child.onDevice[v] = false
        child.flops += layer.flops
        child.bytes += layer.paramBytes
        if model.predecessors[v].isEmpty && !child.inputSent {
          child.inputSent = true
          child.bytes += model.inputBytes
          child.tensorBytes += model.inputBytes
        }
        for p in model.predecessors[v] where child.onDevice[p] && !sent(p, node, depth - 1) {
          child.bytes += model.layers[p].outputBytes
          child.tensorBytes += model.layers[p].outputBytes
        }
        children.append(child)
      }
      nodes += children.count
      children.removeAll { bound($0) >= best.latency }
      // Dominance among nodes with the same frontier.
      let frontier = order.prefix(depth + 1).filter { u in model.successors[u].contains { position[$0] > depth } }
      var groups: [[Int]: [Node]] = [:]
      for child in children {
        var key = [child.inputSent ? 1 : 0]
        for u in frontier {
          key.append(4 * position[u] + (child.onDevice[u] ? 2 : 0) + (child.onDevice[u] && sent(u, child, depth) ? 1 : 0))
        }
        groups[key, default: []].append(child)
      }
      var kept: [Node] = []
      for (_, group) in groups.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
        // Pareto filter: in increasing (D, U, W) order, a node is dominated by an earlier one
        // kept with no more U and W (equal nodes: the first is kept).
        var front: [Node] = []
        for a in group.sorted(by: { (device($0), bytes($0), flops($0)) < (device($1), bytes($1), flops($1)) })
        where !front.contains(where: { bytes($0) <= bytes(a) && flops($0) <= flops(a) }) {
          front.append(a)
        }
        kept += front
      }
      if kept.count > beamWidth {
        kept = Array(kept.enumerated().sorted { (bound($0.element), $0.offset) < (bound($1.element), $1.offset) }
          .prefix(beamWidth).map(\.element))
      }
      level = kept
    }
    for leaf in level {
      let value = latency(leaf.onDevice)
      if value < best.latency { best = (leaf.onDevice, value) }
    }
    return Result(onDevice: best.onDevice, latency: best.latency, nodes: nodes)
  }
}
