import EdgeSplitModel
import Graphs

/// A partition found by a P2 solver, with its stage times recomputed from the instance.
public struct SurgeryResult: Sendable, Hashable {
  /// Where each layer runs.
  public var partition: Partition
  /// `Te`, `Tt`, `Tc` of ``partition`` (unscaled, from ``SurgeryEvaluator``).
  public var stages: StageTimes

  init(_ partition: Partition, on instance: SurgeryInstance) {
    self.partition = partition
    self.stages = SurgeryEvaluator.stageTimes(partition, on: instance)
  }

  /// The partition as an outcome for `instance`'s objective: `optimal` when `proven`, else `finished`.
  public func outcome(for instance: SurgeryInstance, proven: Bool = false, statistics: [String: Double] = [:]) -> SolverOutcome<Partition> {
    SolverOutcome(solution: partition, objective: stages.value(for: instance.objective),
                  termination: proven ? .optimal : .finished, statistics: statistics)
  }
}

/// DSL (DNN Surgery Light): the minimum-latency partition of a DAG model, exactly, as a
/// minimum s–t cut (DADS, INFOCOM 2019, Eq. 4).
///
/// The network G′ has a source `e` (device side), a sink `c` (server side) and a node per layer:
/// - red arc `e → v` with capacity `γ·Tc(v)`: cut when `v` runs on the server;
/// - blue arc `v → c` with capacity `α·Te(v)`: cut when `v` runs on the device;
/// - for each layer `u` with readers, its transfer time `Tt(u)` on the arc `u → v` to its only
///   reader, or, when several layers read `u`, on `u → u′` to one auxiliary node `u′` with
///   infinite arcs `u′ → v` to every reader, so the output is paid once however many server
///   layers read it;
/// - the model input, produced on the device, is the source itself: its transfer time sits on
///   `e → r` for a single reader `r` (parallel to the red arc) or on `e → in′` with infinite
///   arcs `in′ → r`, so it is paid exactly when some reader runs on the server;
/// - an infinite reverse arc `v → u` for every data arc `u → v` (not in the paper): a server
///   layer feeding a device layer would cut it, so every finite cut has a predecessor-closed
///   device side. Without it a cut could send data from server back to device for free.
///
/// With `α = γ = 1` the capacity of the cut of a predecessor-closed partition is exactly
/// `Te + Tt + Tc`: each device layer cuts its blue arc, each server layer its red arc, each
/// device output read on the server one transfer arc, and the input one arc when a server layer
/// reads it; any other cut is infinite. So a minimum cut is a minimum-latency partition.
/// All-device and all-server are allowed.
public enum DSL {
  /// G′ for `instance` with the device and server capacities scaled by `deviceWeight` (α) and
  /// `serverWeight` (γ); transfers keep weight 1 (only the ratios matter).
  public struct SurgeryNetwork: Sendable {
    /// The flow network.
    public var network: FlowNetwork
    /// The source `e` (device side) and sink `c` (server side).
    public var source: Int, sink: Int
    /// The node of each layer, indexed like ``DNNModel/Fields/layers``.
    public var layerNodes: [Int]
    /// Each auxiliary node with the layers reading the tensor it stands for.
    public var auxiliaryReaders: [(node: Int, readers: [Int])]

    /// The partition a source side describes: layers on the source side run on the device.
    public func partition(sourceSide: [Bool]) -> Partition {
      Partition(onDevice: layerNodes.map { sourceSide[$0] })
    }

    /// The cheapest source side that puts the layers where `partition` says: an auxiliary
    /// node joins the source side exactly when all its readers run on the device. Its cut
    /// capacity is the partition's (scaled) latency, or infinite if it is not
    /// predecessor-closed.
    public func sourceSide(for partition: Partition) -> [Bool] {
      var side = [Bool](repeating: false, count: network.nodeCount)
      side[source] = true
      for (layer, node) in layerNodes.enumerated() { side[node] = partition.onDevice[layer] }
      for auxiliary in auxiliaryReaders {
        side[auxiliary.node] = auxiliary.readers.allSatisfy { partition.onDevice[$0] }
      }
      return side
    }
  }

  /// Builds G′.
  /// - Complexity: O(n + m) for n layers and m data arcs.
  public static func network(
    for instance: SurgeryInstance, deviceWeight: Double = 1, serverWeight: Double = 1
  ) -> SurgeryNetwork {
    let model = instance.model
    let n = model.layers.count
    var network = FlowNetwork(nodeCount: n + 2)
    let source = n, sink = n + 1
    let infinity = FlowNetwork.infinity
    var auxiliaryReaders: [(node: Int, readers: [Int])] = []
    for v in model.layers.indices {
      network.addArc(from: source, to: v, capacity: serverWeight * instance.serverLayerSeconds[v])
      network.addArc(from: v, to: sink, capacity: deviceWeight * instance.deviceLayerSeconds[v])
    }
    /// The transfer of a tensor produced at `producer` and read by `readers`, paid once.
    func addTransfer(from producer: Int, bytes: Double, to readers: [Int]) {
      let seconds = instance.transferSeconds(bytes: bytes)
      if readers.count == 1 {
        network.addArc(from: producer, to: readers[0], capacity: seconds)
      } else if readers.count > 1 {
        let auxiliary = network.addNode()
        auxiliaryReaders.append((auxiliary, readers))
        network.addArc(from: producer, to: auxiliary, capacity: seconds)
        for reader in readers { network.addArc(from: auxiliary, to: reader, capacity: infinity) }
      }
    }
    addTransfer(from: source, bytes: model.inputBytes, to: model.layers.indices.filter { model.predecessors[$0].isEmpty })
    for u in model.layers.indices {
      addTransfer(from: u, bytes: model.layers[u].outputBytes, to: model.successors[u])
      for v in model.successors[u] { network.addArc(from: v, to: u, capacity: infinity) }
    }
    return SurgeryNetwork(network: network, source: source, sink: sink, layerNodes: Array(0..<n),
                          auxiliaryReaders: auxiliaryReaders)
  }

  /// A minimum cut of G′ (scaled as given) and the partition it describes.
  /// - Complexity: that of ``FlowNetwork/minimumCut(source:sink:algorithm:)`` (push–relabel) on n + (multi-reader
  ///   layers) + 2 nodes and O(n + m) arcs.
  public static func cut(
    _ instance: SurgeryInstance, deviceWeight: Double = 1, serverWeight: Double = 1
  ) -> (partition: Partition, cutValue: Double) {
    let graph = network(for: instance, deviceWeight: deviceWeight, serverWeight: serverWeight)
    let cut = graph.network.minimumCut(source: graph.source, sink: graph.sink)
    return (graph.partition(sourceSide: cut.sourceSide), cut.value)
  }

  /// The minimum-latency partition (exact) with its stage times.
  public static func bestPartition(_ instance: SurgeryInstance) -> SurgeryResult {
    SurgeryResult(cut(instance).partition, on: instance)
  }

  /// The minimum-latency partition as a solver outcome: proven optimal for the latency objective;
  /// for the throughput objective it is DSH's starting point and carries no proof.
  public static func solve(_ instance: SurgeryInstance, options: SolverOptions = .init()) -> SolverOutcome<Partition> {
    bestPartition(instance).outcome(for: instance, proven: instance.objective == .latency)
  }
}
