import EdgeSplitModel

/// A throughput heuristic that dominates DSH and the chain cut: it starts from DSH's partition,
/// the best chain cut (for the throughput objective), all-device and all-server, and improves
/// each by exact local moves, keeping the best.
///
/// A move carries a *closed set* across the cut, so every partition visited stays
/// predecessor-closed:
/// - to the device: a server layer `v` with all its ancestors still on the server;
/// - to the server: a device layer `v` with all its descendants still on the device.
///
/// Each round evaluates every move (stage times updated in O(size of the set and its arcs) from
/// exact sums) and takes the one that lowers `(largest stage, latency)` the most,
/// lexicographically; the search stops when no move lowers it. The latency tie-break lets the
/// search leave a plateau where the largest stage does not move, and can never cycle.
///
/// **Ratio 3.** DSH's partition is a start and a start is only ever replaced by a strictly
/// better partition, so the result is at most DSH's largest stage, within 3 × the optimum (see
/// ``DSH``), and never worse than the chain cut either. DSH's limit (it only reaches partitions
/// that minimize some weighting of the three stages) does not bind here: the moves reach any
/// predecessor-closed partition.
///
/// - Complexity: DSH's min cuts, then O(n · (n + m)) per round of moves for n layers and m data
///   arcs, each round lowering the objective; meant for models of up to a few thousand layers.
public enum DSHLocal {
  /// The improved partition as a solver outcome (ratio 3, no proof), with the number of moves.
  public static func solve(_ instance: SurgeryInstance, options: SolverOptions = .init()) -> SolverOutcome<Partition> {
    let (result, moves) = improve(starts(instance, dsh: DSH.search(instance).result), on: instance)
    return result.outcome(for: instance, statistics: .counters(["moves": Double(moves)]))
  }

  /// The starts of ``solve(_:options:)``: `dsh` (DSH's result), the best chain cut, all-device and all-server.
  public static func starts(_ instance: SurgeryInstance, dsh: SurgeryResult) -> [Partition] {
    [dsh.partition, SurgeryBaselines.bestChainCut(instance).partition, .allOnDevice(instance.model), .allOnServer(instance.model)]
  }

  /// The best partition reached by descending from each of `starts` (predecessor-closed
  /// partitions of the instance's model), and the number of moves taken in all.
  public static func improve(_ starts: [Partition], on instance: SurgeryInstance) -> (result: SurgeryResult, moves: Int) {
    precondition(!starts.isEmpty, "local search needs a start")
    var best: SurgeryResult?
    var moves = 0
    for start in starts {
      var search = LocalSearch(instance, start: start)
      moves += search.descend()
      let candidate = SurgeryResult(search.partition, on: instance)
      if best.map({ isBetter(candidate.stages, than: $0.stages) }) ?? true { best = candidate }
    }
    return (best!, moves)
  }

  /// True when `a` has a smaller largest stage than `b`, or the same one and a smaller latency.
  static func isBetter(_ a: StageTimes, than b: StageTimes) -> Bool {
    (a.largestStage, a.latency) < (b.largestStage, b.latency)
  }

  /// One descent: the partition, the counters that make a move's stage times cheap to compute,
  /// and the exact stage times of the current partition.
  struct LocalSearch {
    let instance: SurgeryInstance
    var partition: Partition
    /// Layers reading each layer's output that run on the server.
    var serverReaders: [Int]
    /// Layers reading the model input that run on the server.
    var inputReadersOnServer: Int
    /// Seconds of the device and server stages, and bytes sent, of ``partition``.
    var deviceSeconds = 0.0, serverSeconds = 0.0, sentBytes = 0.0
    var stages: StageTimes
    /// Scratch: how many readers of each layer the move under evaluation carries.
    private var movedReaders: [Int]
    private var inMove: [Bool]
    /// Scratch: the closed-set search that last reached each layer (a stamp, so nothing is cleared).
    private var reachedBy: [Int]
    private var searches = 0

    init(_ instance: SurgeryInstance, start: Partition) {
      self.instance = instance
      partition = start
      let n = instance.model.layers.count
      serverReaders = [Int](repeating: 0, count: n)
      inputReadersOnServer = 0
      stages = StageTimes(device: 0, transfer: 0, server: 0)
      movedReaders = [Int](repeating: 0, count: n)
      inMove = [Bool](repeating: false, count: n)
      reachedBy = [Int](repeating: 0, count: n)
      recount()
    }

    /// Recomputes the counters and sums of ``partition`` from scratch (after each accepted
    /// move, so rounding never accumulates).
    mutating func recount() {
      let model = instance.model
      for u in model.layers.indices {
        serverReaders[u] = model.successors[u].filter { !partition.onDevice[$0] }.count
      }
      inputReadersOnServer = model.layers.indices.filter { model.predecessors[$0].isEmpty && !partition.onDevice[$0] }.count
      deviceSeconds = instance.deviceSeconds(layers: model.layers.indices.filter { partition.onDevice[$0] })
      serverSeconds = instance.serverSeconds(layers: model.layers.indices.filter { !partition.onDevice[$0] })
      sentBytes = model.transferBytes(partition)
      stages = StageTimes(device: deviceSeconds, transfer: instance.transferSeconds(bytes: sentBytes), server: serverSeconds)
    }


    /// `v` and every layer reachable from it through `next` on the same side as `v`: the closed
    /// set a move from that side carries.
    mutating func closedSet(from v: Int, toDevice: Bool) -> [Int] {
      let model = instance.model
      searches += 1
      var set = [v]
      reachedBy[v] = searches
      var index = 0
      while index < set.count {
        let u = set[index]
        for w in toDevice ? model.predecessors[u] : model.successors[u]
        where partition.onDevice[w] != toDevice && reachedBy[w] != searches {
          reachedBy[w] = searches
          set.append(w)
        }
        index += 1
      }
      return set
    }

    /// The stage times after moving `set` to the device (`toDevice`) or to the server.
    mutating func stagesAfterMoving(_ set: [Int], toDevice: Bool) -> StageTimes {
      let model = instance.model
      var onDevice = 0.0, onServer = 0.0, bytesDelta = 0.0, inputReaders = 0
      for w in set {
        inMove[w] = true
        onDevice += instance.deviceLayerSeconds[w]
        onServer += instance.serverLayerSeconds[w]
        if model.predecessors[w].isEmpty { inputReaders += 1 }
        for u in model.predecessors[w] { movedReaders[u] += 1 }
      }
      for w in set {
        let layer = model.layers[w]
        // w's own output: readers outside the move stay on the side w leaves.
        let readersLeft = toDevice ? serverReaders[w] - movedReaders[w] : serverReaders[w]
        if toDevice && readersLeft > 0 { bytesDelta += layer.outputBytes }
        if !toDevice && readersLeft > 0 { bytesDelta -= layer.outputBytes }
        // Producers outside the move (on the device in both cases) gain or lose server readers.
        for u in model.predecessors[w] where !inMove[u] && movedReaders[u] > 0 {
          if toDevice && serverReaders[u] == movedReaders[u] { bytesDelta -= model.layers[u].outputBytes }
          if !toDevice && serverReaders[u] == 0 { bytesDelta += model.layers[u].outputBytes }
          movedReaders[u] = -movedReaders[u]  // count each producer once
        }
      }
      if inputReaders > 0 {
        if toDevice && inputReadersOnServer == inputReaders { bytesDelta -= model.inputBytes }
        if !toDevice && inputReadersOnServer == 0 { bytesDelta += model.inputBytes }
      }
      for w in set {
        inMove[w] = false
        for u in model.predecessors[w] { movedReaders[u] = 0 }
      }
      let transfer = instance.transferSeconds(bytes: sentBytes + bytesDelta)
      return toDevice
        ? StageTimes(device: deviceSeconds + onDevice, transfer: transfer, server: serverSeconds - onServer)
        : StageTimes(device: deviceSeconds - onDevice, transfer: transfer, server: serverSeconds + onServer)
    }

    /// Takes the best improving move until none improves; returns the number of moves taken.
    mutating func descend() -> Int {
      var moves = 0
      while true {
        var best: (set: [Int], toDevice: Bool, stages: StageTimes)?
        for v in instance.model.layers.indices {
          let toDevice = !partition.onDevice[v]
          let set = closedSet(from: v, toDevice: toDevice)
          let after = stagesAfterMoving(set, toDevice: toDevice)
          if isBetter(after, than: best?.stages ?? stages) { best = (set, toDevice, after) }
        }
        guard let move = best else { return moves }
        let before = stages
        for w in move.set { partition.onDevice[w] = move.toDevice }
        recount()
        guard isBetter(stages, than: before) else {  // rounding misled the estimate: undo, stop
          for w in move.set { partition.onDevice[w] = !move.toDevice }
          recount()
          return moves
        }
        moves += 1
      }
    }
  }
}
