import EdgeSplitModel

/// Work and traffic of every candidate partition of one model: the prefixes of its
/// topological order with a non-empty server part, `p = 0 ..< layerCount`.
///
/// Built incrementally in `O(layers + edges)`: adding layer `v` to the device sends `v`'s
/// output (all its readers are still on the server) and stops sending the output of any
/// input of `v` whose readers are now all on the device.
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
    var sent = 0.0
    var onDevice = 0.0
    var onServer = 0.0
    for p in stride(from: count - 1, through: 0, by: -1) {
      onServer += model.layers[model.topologicalOrder[p]].flops
      serverFlops[p] = onServer
    }
    for p in 0..<count {
      deviceFlops[p] = onDevice
      transferBytes[p] = sent + (inputReadersOnServer > 0 ? model.inputBytes : 0)
      let v = model.topologicalOrder[p]
      onDevice += model.layers[v].flops
      if model.successors[v].isEmpty == false { sent += model.layers[v].outputBytes }
      if model.predecessors[v].isEmpty { inputReadersOnServer -= 1 }
      for u in model.predecessors[v] {
        serverReaders[u] -= 1
        if serverReaders[u] == 0 { sent -= model.layers[u].outputBytes }
      }
    }
    self.deviceFlops = deviceFlops
    self.serverFlops = serverFlops
    self.transferBytes = transferBytes
  }

  /// Number of candidate partitions.
  public var count: Int { deviceFlops.count }
}
