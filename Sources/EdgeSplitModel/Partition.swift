/// A split of a model between the device and the server: `onDevice[i]` says where layer `i` runs.
///
/// A valid partition is closed under predecessors (no data returns from the server to the
/// device). What crosses the network is the output of every device layer with a reader on the
/// server, sent once however many server layers read it, plus the model input when a layer
/// that reads it runs on the server (in particular when no layer runs on the device).
public struct Partition: Sendable, Hashable, Codable {
  /// Where each layer runs, indexed like ``DNNModel/Fields/layers``.
  public var onDevice: [Bool]

  public init(onDevice: [Bool]) { self.onDevice = onDevice }

  /// Everything on the server.
  public static func allOnServer(_ model: DNNModel) -> Partition {
    Partition(onDevice: Array(repeating: false, count: model.layers.count))
  }

  /// Everything on the device (nothing is sent).
  public static func allOnDevice(_ model: DNNModel) -> Partition {
    Partition(onDevice: Array(repeating: true, count: model.layers.count))
  }
}

extension DNNModel {
  /// The partition that runs the first `count` layers of ``topologicalOrder`` on the device.
  /// Every such prefix is predecessor-closed.
  public func partition(devicePrefix count: Int) -> Partition {
    precondition((0...fields.layers.count).contains(count), "prefix \(count) out of 0...\(fields.layers.count)")
    var onDevice = Array(repeating: false, count: fields.layers.count)
    for i in topologicalOrder.prefix(count) { onDevice[i] = true }
    return Partition(onDevice: onDevice)
  }

  /// Why `partition` is not a valid split of this model, or `nil` when it is.
  public func partitionProblem(_ partition: Partition) -> String? {
    guard partition.onDevice.count == fields.layers.count else {
      return "partition covers \(partition.onDevice.count) layers, model '\(fields.name)' has \(fields.layers.count)"
    }
    for (i, preds) in predecessors.enumerated() where partition.onDevice[i] {
      if let p = preds.first(where: { !partition.onDevice[$0] }) {
        return "layer '\(fields.layers[i].name)' runs on the device but its input '\(fields.layers[p].name)' runs on the server"
      }
    }
    return nil
  }

  /// FLOPs run on the device.
  public func deviceFlops(_ partition: Partition) -> Double {
    fields.layers.indices.reduce(0) { partition.onDevice[$1] ? $0 + fields.layers[$1].flops : $0 }
  }

  /// FLOPs run on the server.
  public func serverFlops(_ partition: Partition) -> Double {
    fields.layers.indices.reduce(0) { partition.onDevice[$1] ? $0 : $0 + fields.layers[$1].flops }
  }

  /// Bytes sent from device to server: each device layer's output once if any reader is on the
  /// server, and the model input once if any layer reading it is on the server.
  public func transferBytes(_ partition: Partition) -> Double {
    var bytes = 0.0
    var inputNeeded = false
    for i in fields.layers.indices {
      if partition.onDevice[i] {
        if successors[i].contains(where: { !partition.onDevice[$0] }) { bytes += fields.layers[i].outputBytes }
      } else if predecessors[i].isEmpty {
        inputNeeded = true
      }
    }
    return inputNeeded ? bytes + fields.inputBytes : bytes
  }
}
