import Algorithms
import EdgeSplitModel

/// Work and traffic of every candidate partition of one model: the prefixes of its
/// topological order with a non-empty server part, `p = 0 ..< layerCount`.
///
/// Built incrementally: adding layer `v` to the device sends `v`'s output (all its readers are
/// still on the server) and stops sending the output of any input of `v` whose readers are now
/// all on the device.
/// - Complexity: `O(layers × frontier + edges)`, the frontier being the device layers whose
///   output is still sent (a handful on real models).
public struct PrefixProfile: Sendable {
  /// FLOPs on the device when the first `p` layers run there.
  public let deviceFlops: [Double]
  /// FLOPs on the server for prefix `p`.
  public let serverFlops: [Double]
  /// Bytes crossing the network for prefix `p`.
  public let transferBytes: [Double]

  public init(_ model: DNNModel) {
    let count = model.layers.count
    var deviceFlops = [Double](repeating: 0, count: count)
    var serverFlops = [Double](repeating: 0, count: count)
    var transferBytes = [Double](repeating: 0, count: count)
    var serverReaders = model.successors.map(\.count)
    var inputReadersOnServer = model.predecessors.count { $0.isEmpty }
    // Device layers whose output is still sent, kept sorted by layer index: the bytes are summed
    // afresh in the evaluator's order for every prefix, never by subtracting (which loses small
    // outputs next to large ones).
    var frontier: [Int] = []
    var onDevice = 0.0
    var onServer = 0.0
    for p in stride(from: count - 1, through: 0, by: -1) {
      onServer += model.layers[model.topologicalOrder[p]].flops
      serverFlops[p] = onServer
    }
    for p in 0..<count {
      deviceFlops[p] = onDevice
      let sent = frontier.reduce(0.0) { $0 + model.layers[$1].outputBytes }
      transferBytes[p] = inputReadersOnServer > 0 ? sent + model.inputBytes : sent
      let v = model.topologicalOrder[p]
      onDevice += model.layers[v].flops
      if !model.successors[v].isEmpty { frontier.insert(v, at: frontier.partitioningIndex { $0 > v }) }
      if model.predecessors[v].isEmpty { inputReadersOnServer -= 1 }
      for u in model.predecessors[v] {
        serverReaders[u] -= 1
        if serverReaders[u] == 0 { frontier.remove(at: frontier.partitioningIndex { $0 >= u }) }
      }
    }
    self.deviceFlops = deviceFlops
    self.serverFlops = serverFlops
    self.transferBytes = transferBytes
  }

  /// Number of candidate partitions.
  public var count: Int { deviceFlops.count }
}
