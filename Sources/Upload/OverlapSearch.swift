import EdgeSplitModel

/// `p4-overlap`: a local search on the replayed latency, overlap of parallel uploading included,
/// over partitions and shares, started from MJOA-MU.
///
/// MJOA-MU plans with ARA's sequential surrogate, which overstates the latency of offloading (it
/// ignores that parameters stream while the device computes), so it declines offloads that pay.
/// With static shares the objective separates: `Σ_i h_i(f_i, b_i)` with `h_i` UE `i`'s best
/// replayed latency over its candidate partitions at shares `(f_i, b_i)` (``PartitionMenu``: every
/// closed device set of small models, exactly; prefixes of the execution order plus PBT-DP's
/// results at the shares reached for larger ones). The search moves a step of compute, of
/// bandwidth, of both, or of both with a quarter step of one (`Search.Kind`) from a *donor* (a UE,
/// or the unspent budget) to a *receiver*, whenever
/// the receiver gains more than the donor loses, each UE taking its best partition at its new
/// shares; the step starts at the whole budget and halves down to ``finestStep`` of it
/// (``finestJointStep`` for joint steps). Moves are
/// drawn from the few UEs that gain most from a step and lose least by giving one, so a move
/// costs a handful of replays. Every UE's menu then gets PBT-DP's partition at its final
/// shares, and the search repeats while that helps (at most ``refreshes`` times).
///
/// It starts from MJOA-MU's solution and, up to ``multiStartLimit`` UEs, from equal shares and
/// from every UE local (no shares), and returns the best solution the
/// evaluator confirms, MJOA-MU's included, so it is never worse than MJOA-MU. Under
/// ``ReallocationPolicy/onRelease`` the search still plans with static shares (the evaluator,
/// with reallocation, picks the better of its result and MJOA-MU's). It is a heuristic: the
/// `h_i` are not convex, and a local optimum need not be global.
public enum OverlapSearch {
  /// Finest step, as a fraction of each budget.
  public static let finestStep = 1.0 / 4096
  /// Finest step of both resources at once (``finestStep`` for one).
  public static let finestJointStep = 1.0 / 64
  /// Most rounds of PBT-DP menu refreshes after the first search.
  public static let refreshes = 2
  /// Models with at most this many closed device sets are searched over all of them.
  public static let exhaustiveMenu = 512
  /// Instances with at most this many UEs are also searched from equal and from no shares.
  public static let multiStartLimit = 32
  /// Receivers and donors considered per move and resource.
  static let shortlist = 3

  /// The search from MJOA-MU's solution, equal shares and no shares.
  public static func solve(_ instance: UploadInstance, options: SolverOptions = .init()) -> SolverOutcome<UploadSolution> {
    guard let seed = MJOAMU.solve(instance, mode: .parallel, options: options).solution else {
      return SolverOutcome(solution: nil, objective: nil, termination: .error("MJOA-MU found no solution"))
    }
    var menus = instance.ues.map { PartitionMenu($0, exhaustiveUpTo: exhaustiveMenu) }
    for (i, decision) in seed.ues.enumerated() { _ = menus[i].add(decision.onDevice) }
    let count = Double(instance.ues.count)
    let equal = instance.ues.map { (instance.serverGflops / count, min($0.maxUplinkMbps, instance.bandwidthMbps / count)) }
    var best = (solution: seed, value: UploadEvaluator.evaluate(seed, on: instance).objective)
    var moves = 0
    let local = instance.ues.map { _ in (0.0, 0.0) }
    let starts = [seed.ues.map { ($0.computeGflops, $0.bandwidthMbps) }] + (instance.ues.count <= multiStartLimit ? [equal, local] : [])
    for start in starts {
      var search = Search(instance: instance, menus: menus, shares: start)
      for round in 0...refreshes {
        moves += search.descend()
        if round == refreshes || !search.refreshMenus() { break }
      }
      menus = search.menus
      let solution = search.solution()
      let value = UploadEvaluator.evaluate(solution, on: instance).objective
      if value < best.value { best = (solution, value) }
    }
    return SolverOutcome(solution: best.solution, objective: best.value, termination: .finished,
                         statistics: .counters(["moves": Double(moves), "replays": Double(menus.reduce(0) { $0 + $1.replays })]))
  }

  /// The descent alone, from `solution`'s shares with each UE at its best partition there; the
  /// better of its result and `solution` (`p4-exact` polishes the points of its relaxation).
  public static func polish(_ solution: UploadSolution, on instance: UploadInstance) -> UploadSolution {
    var search = Search(instance: instance, menus: instance.ues.map { PartitionMenu($0, exhaustiveUpTo: exhaustiveMenu) },
                        shares: solution.ues.map { ($0.computeGflops, $0.bandwidthMbps) })
    _ = search.descend()
    let polished = search.solution()
    return UploadEvaluator.evaluate(polished, on: instance).objective < UploadEvaluator.evaluate(solution, on: instance).objective
      ? polished : solution
  }

  /// The state of one descent: shares, each UE's best latency and partition there.
  struct Search {
    let instance: UploadInstance
    var menus: [PartitionMenu]
    var compute: [Double]
    var bandwidth: [Double]
    var latency: [Double] = []
    var choice: [Int] = []

    init(instance: UploadInstance, menus: [PartitionMenu], shares: [(Double, Double)]) {
      self.instance = instance
      self.menus = menus
      compute = ARA.withinBudget(shares.map(\.0), budget: instance.serverGflops)
      bandwidth = ARA.withinBudget(zip(shares, instance.ues).map { min($0.1, $1.maxUplinkMbps) }, budget: instance.bandwidthMbps)
      for i in instance.ues.indices {
        let point = self.menus[i].best(computeGflops: compute[i], bandwidthMbps: bandwidth[i])
        latency.append(point.latency)
        choice.append(point.partition)
      }
    }

    /// A step of a resource kind: compute, bandwidth, both, or both with a quarter step of one
    /// (offloading may need much more of one than of the other before it pays).
    enum Kind: CaseIterable { case compute, bandwidth, both, mostlyCompute, mostlyBandwidth }

    /// A move: `donor` (nil: the unspent budget) gives `(df, db)` to `receiver`.
    struct Move {
      var receiver: Int
      var donor: Int?
      var df: Double
      var db: Double
      var gain: Double
      var receiverPoint: (latency: Double, partition: Int)
      var donorPoint: (latency: Double, partition: Int)
    }

    /// Per kind of step, each UE's gain from receiving it and loss from giving it (nil: it
    /// cannot gain, or holds none of it), at the current step; only the UEs a move changes are
    /// re-evaluated.
    var gains: [[Double?]] = []
    var losses: [[Double?]] = []

    /// Joint steps only down to ``OverlapSearch/finestJointStep``: below it they mostly repeat
    /// what a compute and a bandwidth step do, and they cost most of the replays.
    static func uses(_ kind: Kind, _ step: Double) -> Bool {
      kind == .compute || kind == .bandwidth || step >= OverlapSearch.finestJointStep
    }

    /// The step amounts `(df, db)` of `kind` at `step` (a fraction of each budget).
    func amounts(_ kind: Kind, _ step: Double) -> (df: Double, db: Double) {
      let (f, b): (Double, Double) = switch kind {
      case .compute: (1, 0)
      case .bandwidth: (0, 1)
      case .both: (1, 1)
      case .mostlyCompute: (1, 0.25)
      case .mostlyBandwidth: (0.25, 1)
      }
      return (f * step * instance.serverGflops, b * step * instance.bandwidthMbps)
    }

    /// UE `i`'s gain from receiving and loss from giving each kind of step.
    mutating func rate(_ i: Int, step: Double) {
      for (k, kind) in Kind.allCases.enumerated() where Self.uses(kind, step) {
        let (df, db) = amounts(kind, step)
        let room = max(0, instance.ues[i].maxUplinkMbps - bandwidth[i])
        if kind == .bandwidth && room <= 0 {
          gains[k][i] = nil
        } else {
          let gain = latency[i] - menus[i].best(computeGflops: compute[i] + df, bandwidthMbps: bandwidth[i] + min(db, room)).latency
          gains[k][i] = gain > 0 ? gain : nil
        }
        if (df == 0 || compute[i] > 0) && (db == 0 || bandwidth[i] > 0) {
          losses[k][i] = menus[i].best(computeGflops: max(0, compute[i] - df), bandwidthMbps: max(0, bandwidth[i] - db)).latency - latency[i]
        } else {
          losses[k][i] = nil
        }
      }
    }

    /// Descends at halving steps until no move helps at the finest; returns the moves made.
    mutating func descend() -> Int {
      var moves = 0
      var step = 1.0
      let limit = 50 * instance.ues.count + 100
      let n = instance.ues.count
      while step >= OverlapSearch.finestStep {
        gains = Kind.allCases.map { _ in [Double?](repeating: nil, count: n) }
        losses = gains
        for i in instance.ues.indices { rate(i, step: step) }
        var made = 0
        while made < limit, let move = bestMove(step: step) {
          apply(move)
          rate(move.receiver, step: step)
          if let donor = move.donor { rate(donor, step: step) }
          made += 1
        }
        moves += made
        step /= 2
      }
      return moves
    }

    /// The `count` indices with the largest (or smallest) values, nil values left out.
    static func top(_ values: [Double?], _ count: Int, largest: Bool) -> [Int] {
      let present = values.indices.filter { values[$0] != nil }
      return Array(present.sorted { largest ? values[$0]! > values[$1]! : values[$0]! < values[$1]! }.prefix(count))
    }

    /// The best improving move at `step` (a fraction of each budget), or nil.
    mutating func bestMove(step: Double) -> Move? {
      let total = latency.reduce(0, +)
      var best: Move?
      let spareCompute = max(0, instance.serverGflops - compute.reduce(0, +))
      let spareBandwidth = max(0, instance.bandwidthMbps - bandwidth.reduce(0, +))
      for (k, kind) in Kind.allCases.enumerated() where Self.uses(kind, step) {
        let (df, db) = amounts(kind, step)
        // Receivers by their gain from the whole step (bandwidth up to the cap), donors by their
        // loss from giving it; the unspent budget loses nothing.
        let receivers = Self.top(gains[k], OverlapSearch.shortlist, largest: true)
        guard !receivers.isEmpty else { continue }
        var donors: [Int?] = Self.top(losses[k], OverlapSearch.shortlist + 1, largest: false)
        if (df == 0 || spareCompute > 0) && (db == 0 || spareBandwidth > 0) { donors.insert(nil, at: 0) }
        for i in receivers {
          for j in donors where j != i {
            // What the donor has and the receiver can take.
            let giveF = min(df, j.map { compute[$0] } ?? spareCompute)
            let giveB = min(db, j.map { bandwidth[$0] } ?? spareBandwidth, max(0, instance.ues[i].maxUplinkMbps - bandwidth[i]))
            guard giveF > 0 || giveB > 0 else { continue }
            let receiverPoint = menus[i].best(computeGflops: compute[i] + giveF, bandwidthMbps: bandwidth[i] + giveB)
            let donorPoint = j.map { menus[$0].best(computeGflops: compute[$0] - giveF, bandwidthMbps: bandwidth[$0] - giveB) }
              ?? (latency: 0, partition: -1)
            let gain = (latency[i] - receiverPoint.latency) - (j.map { donorPoint.latency - latency[$0] } ?? 0)
            guard gain > 1e-12 * total, gain > (best?.gain ?? 0) else { continue }
            best = Move(receiver: i, donor: j, df: giveF, db: giveB, gain: gain, receiverPoint: receiverPoint, donorPoint: donorPoint)
          }
        }
      }
      return best
    }

    mutating func apply(_ move: Move) {
      let i = move.receiver
      compute[i] += move.df
      bandwidth[i] += move.db
      (latency[i], choice[i]) = (move.receiverPoint.latency, move.receiverPoint.partition)
      if let j = move.donor {
        compute[j] = max(0, compute[j] - move.df)
        bandwidth[j] = max(0, bandwidth[j] - move.db)
        (latency[j], choice[j]) = (move.donorPoint.latency, move.donorPoint.partition)
      }
      // Rounding of the running sums: never more than the budgets.
      compute = ARA.withinBudget(compute, budget: instance.serverGflops)
      bandwidth = ARA.withinBudget(bandwidth, budget: instance.bandwidthMbps)
    }

    /// Adds PBT-DP's partition at every UE's shares to its menu; true when some UE got better.
    mutating func refreshMenus() -> Bool {
      var improved = false
      for i in instance.ues.indices where compute[i] > 0 && bandwidth[i] > 0 {
        let found = PBTDP.partition(instance.ues[i], computeGflops: compute[i], bandwidthMbps: bandwidth[i], mode: .parallel)
        guard menus[i].add(found.onDevice) else { continue }
        let point = menus[i].best(computeGflops: compute[i], bandwidthMbps: bandwidth[i])
        if point.latency < latency[i] {
          (latency[i], choice[i]) = (point.latency, point.partition)
          improved = true
        }
      }
      return improved
    }

    /// The current decisions; a UE keeps only the shares its partition uses.
    func solution() -> UploadSolution {
      UploadSolution(uploading: .parallel, ues: instance.ues.indices.map { i in
        let onDevice = menus[i].partitions[choice[i]]
        let demand = ARA.Demand(instance.ues[i], onDevice: onDevice)
        return UploadDecision(onDevice: onDevice, computeGflops: demand.serverFlops > 0 ? compute[i] : 0,
                              bandwidthMbps: demand.uploadBytes > 0 ? bandwidth[i] : 0)
      })
    }
  }
}
