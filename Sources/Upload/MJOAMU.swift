import EdgeSplitModel

/// MJOA-MU: PBT-DP partitions and ARA allocations, alternated until no UE changes partition.
///
/// 1. Every UE gets an equal share (`F / N`, `min(c_i, B / N)`) and PBT-DP partitions it.
/// 2. ARA allocates `F` and `B` for these partitions (KKT of the sequential surrogate).
/// 3. PBT-DP re-partitions every UE at its new shares (a UE that ARA gave no share of a resource,
///    because it does not use it, is partitioned at the equal share of that resource, so it can
///    start offloading again); back to 2 until no partition changes (at most
///    ``maxRounds`` rounds).
///
/// Every round's (partitions, ARA allocation) pair is replayed by ``UploadEvaluator`` and the
/// best is returned, so the result is always some partitions with their ARA allocation.
///
/// On an instance with ``ReallocationPolicy/onRelease`` a UE's ARA share is only where it starts:
/// it grows whenever another UE releases its share. Step 3 then partitions every UE at its
/// *effective* shares instead (``UploadReplay/effectiveShares``: its mean rates, in the joint
/// replay of the round's allocation, up to its own releases), which are what PBT-DP's
/// constant-share model of one UE can see of the reallocation. With static shares the effective
/// shares are the ARA shares and the method is unchanged.
public enum MJOAMU {
  /// Largest number of partition/allocation rounds.
  public static let maxRounds = 20

  /// MJOA-MU with `mode` uploading (``UploadMode/serial`` is the serial-uploading baseline).
  public static func solve(_ instance: UploadInstance, mode: UploadMode = .parallel, options: SolverOptions = .init()) -> SolverOutcome<UploadSolution> {
    let count = Double(instance.ues.count)
    let equal = instance.ues.map { (computeGflops: instance.serverGflops / count, bandwidthMbps: min($0.maxUplinkMbps, instance.bandwidthMbps / count)) }
    var shares = equal
    var partitions: [[Bool]] = []
    var best: (solution: UploadSolution, value: Double)?
    var rounds = 0
    var nodes = 0
    while rounds < maxRounds {
      rounds += 1
      let next = instance.ues.indices.map { i in
        let result = PBTDP.partition(
          instance.ues[i], computeGflops: shares[i].computeGflops > 0 ? shares[i].computeGflops : equal[i].computeGflops,
          bandwidthMbps: shares[i].bandwidthMbps > 0 ? shares[i].bandwidthMbps : equal[i].bandwidthMbps, mode: mode)
        nodes += result.nodes
        return result.onDevice
      }
      if next == partitions { break }
      partitions = next
      let solution = allocated(partitions, on: instance, mode: mode)
      let value = UploadEvaluator.evaluate(solution, on: instance).objective
      if best.map({ value < $0.value }) ?? true { best = (solution, value) }
      shares = switch instance.reallocation {
      case .none: solution.ues.map { ($0.computeGflops, $0.bandwidthMbps) }
      case .onRelease: UploadEvaluator.replay(solution, on: instance).effectiveShares
      }
    }
    return SolverOutcome(solution: best?.solution, objective: best?.value, termination: .finished,
                         statistics: .counters(["rounds": Double(rounds), "nodes": Double(nodes)]))
  }

  /// `partitions` with ARA's allocation.
  public static func allocated(_ partitions: [[Bool]], on instance: UploadInstance, mode: UploadMode) -> UploadSolution {
    let demands = zip(instance.ues, partitions).map { ARA.Demand($0, onDevice: $1) }
    let shares = ARA.allocate(demands, on: instance)
    return UploadSolution(uploading: mode, ues: partitions.indices.map {
      UploadDecision(onDevice: partitions[$0], computeGflops: shares[$0].computeGflops, bandwidthMbps: shares[$0].bandwidthMbps)
    })
  }
}

/// The baselines MJOA-MU is compared with.
public enum UploadBaselines {
  /// Every layer on the device; no shares.
  public static func allLocal(_ instance: UploadInstance, options: SolverOptions = .init()) -> SolverOutcome<UploadSolution> {
    outcome(UploadSolution(uploading: .parallel, ues: instance.ues.map {
      UploadDecision(onDevice: Array(repeating: true, count: $0.model.layers.count), computeGflops: 0, bandwidthMbps: 0)
    }), on: instance)
  }

  /// Every layer on the server with ARA's allocation, parameters uploaded in `mode`.
  public static func allOffload(_ instance: UploadInstance, mode: UploadMode, options: SolverOptions = .init()) -> SolverOutcome<UploadSolution> {
    outcome(MJOAMU.allocated(instance.ues.map { Array(repeating: false, count: $0.model.layers.count) }, on: instance, mode: mode),
            on: instance)
  }

  /// MJOA-MU's partitions with equal shares: `F` split evenly among the UEs with server FLOPs,
  /// `B` evenly (capped by each channel; the excess is left unused) among the UEs that send bytes.
  public static func equalShare(_ instance: UploadInstance, options: SolverOptions = .init()) -> SolverOutcome<UploadSolution> {
    guard let solution = MJOAMU.solve(instance, options: options).solution else {
      return SolverOutcome(solution: nil, objective: nil, termination: .error("MJOA-MU found no partition"))
    }
    let demands = zip(instance.ues, solution.ues).map { ARA.Demand($0, onDevice: $1.onDevice) }
    let computeUsers = Double(demands.filter { $0.serverFlops > 0 }.count)
    let bandwidthUsers = Double(demands.filter { $0.uploadBytes > 0 }.count)
    return outcome(UploadSolution(uploading: .parallel, ues: solution.ues.indices.map { i in
      UploadDecision(
        onDevice: solution.ues[i].onDevice,
        computeGflops: demands[i].serverFlops > 0 ? instance.serverGflops / computeUsers : 0,
        bandwidthMbps: demands[i].uploadBytes > 0 ? min(instance.ues[i].maxUplinkMbps, instance.bandwidthMbps / bandwidthUsers) : 0)
    }), on: instance)
  }

  static func outcome(_ solution: UploadSolution, on instance: UploadInstance) -> SolverOutcome<UploadSolution> {
    SolverOutcome(solution: solution, objective: UploadEvaluator.evaluate(solution, on: instance).objective, termination: .finished)
  }
}
