import EdgeSplitModel

/// The baselines DADS compares with: Edge-Only, Cloud-Only and a Neurosurgeon-style chain cut.
public enum SurgeryBaselines {
  /// One of the baselines.
  public enum Baseline: String, Sendable, CaseIterable {
    case allOnDevice, allOnServer, bestChainCut
  }

  /// The `baseline`'s partition as a solver outcome.
  public static func solve(_ instance: SurgeryInstance, baseline: Baseline, options: SolverOptions = .init()) -> SolverOutcome<Partition> {
    let result = switch baseline {
    case .allOnDevice: allOnDevice(instance)
    case .allOnServer: allOnServer(instance)
    case .bestChainCut: bestChainCut(instance)
    }
    return result.outcome(for: instance)
  }

  /// Every layer on the device: no transfer (DADS' Edge-Only).
  public static func allOnDevice(_ instance: SurgeryInstance) -> SurgeryResult {
    SurgeryResult(.allOnDevice(instance.model), on: instance)
  }

  /// Every layer on the server: the model input is sent (DADS' Cloud-Only).
  public static func allOnServer(_ instance: SurgeryInstance) -> SurgeryResult {
    SurgeryResult(.allOnServer(instance.model), on: instance)
  }

  /// The best prefix of `DNNModel.topologicalOrder` on the device, for the instance's own
  /// objective: Neurosurgeon's split of a chain, applied to a DAG flattened into its
  /// topological order. Every prefix is predecessor-closed; ties keep the shortest prefix.
  ///
  /// Moving the layers to the device one by one keeps each stage's sum up to date: a layer's
  /// output is sent while some reader is still on the server, the input while some input
  /// reader is.
  /// - Complexity: O(n + m).
  public static func bestChainCut(_ instance: SurgeryInstance) -> SurgeryResult {
    let model = instance.model
    var deviceSeconds = 0.0
    var serverSeconds = instance.serverSeconds(layers: model.layers.indices)
    var serverReaders = model.successors.map(\.count)
    var inputReadersOnServer = model.predecessors.filter(\.isEmpty).count
    var sentBytes = model.inputBytes  // everything on the server: only the input is sent
    func value() -> Double {
      StageTimes(device: deviceSeconds, transfer: instance.transferSeconds(bytes: sentBytes),
                 server: serverSeconds).value(for: instance.objective)
    }
    var bestPrefix = 0
    var bestValue = value()
    for (position, v) in model.topologicalOrder.enumerated() {
      deviceSeconds += instance.deviceLayerSeconds[v]
      serverSeconds -= instance.serverLayerSeconds[v]
      if model.predecessors[v].isEmpty {
        inputReadersOnServer -= 1
        if inputReadersOnServer == 0 { sentBytes -= model.inputBytes }
      }
      for u in model.predecessors[v] {
        serverReaders[u] -= 1
        if serverReaders[u] == 0 { sentBytes -= model.layers[u].outputBytes }
      }
      if serverReaders[v] > 0 { sentBytes += model.layers[v].outputBytes }
      let candidate = value()
      if candidate < bestValue {
        bestValue = candidate
        bestPrefix = position + 1
      }
    }
    return SurgeryResult(model.partition(devicePrefix: bestPrefix), on: instance)
  }
}
