import Admission
import EdgeSplitModel
import RealModule

/// What an online algorithm knows when request `r` arrives: the threads held on every cloudlet
/// by the requests it admitted before, and when each of them departs. Nothing about later
/// requests (except, for the pricing and threshold rules, the value-density range, see
/// ``PricingParameters``).
public struct OnlineState: Sendable {
  /// Per cloudlet, the requests holding threads: (departure ms, threads).
  public private(set) var held: [[(departure: Double, threads: Int)]]
  /// Threads held now on every cloudlet.
  public private(set) var load: [Int]

  init(cloudlets: Int) {
    held = Array(repeating: [], count: cloudlets)
    load = Array(repeating: 0, count: cloudlets)
  }

  /// Releases the threads of requests that departed by `now`.
  mutating func advance(to now: Double) {
    for c in held.indices where held[c].contains(where: { $0.departure <= now }) {
      held[c].removeAll { $0.departure <= now }
      load[c] = held[c].reduce(0) { $0 + $1.threads }
    }
  }

  mutating func admit(cloudlet c: Int, threads: Int, departure: Double) {
    held[c].append((departure, threads))
    load[c] += threads
  }
}

/// One option an online rule chooses among: a cloudlet where the arriving request meets its
/// deadline with its fewest threads, and fits now (hence until it departs: the threads held
/// only fall until the next arrival).
public struct OnlineOption: Sendable, Hashable {
  public var cloudlet: Int
  /// The cheapest option there (`AdmissionTable`).
  public var cheapest: CheapestOption
  /// Threads left free on the cloudlet if the request is admitted there.
  public var freeAfter: Int
}

/// The online rules: each request is decided on arrival, with the state of the requests before
/// it only. The driver releases departed threads, lists the cloudlets where the request fits
/// with its fewest threads (any other cut or thread count only takes more), and asks the rule.
public enum OnlineAdmission {
  /// Runs `decide` on every arrival in order; returns the admissions (in arrival order).
  public static func run(
    _ instance: OnlineAdmissionInstance, table: AdmissionTable,
    decide: (_ request: Int, _ options: [OnlineOption], _ state: OnlineState) -> OnlineOption?
  ) -> AdmissionSolution {
    var state = OnlineState(cloudlets: instance.cloudlets.count)
    var admissions: [Admission] = []
    for r in instance.requests.indices {
      state.advance(to: instance.arrivals[r].atMs)
      let options = instance.cloudlets.indices.compactMap { c -> OnlineOption? in
        guard let cheapest = table.cheapest(request: r, cloudlet: c) else { return nil }
        let free = instance.cloudlets[c].threads - state.load[c] - cheapest.threads
        return free >= 0 ? OnlineOption(cloudlet: c, cheapest: cheapest, freeAfter: free) : nil
      }
      guard !options.isEmpty, let choice = decide(r, options, state) else { continue }
      state.admit(cloudlet: choice.cloudlet, threads: choice.cheapest.threads, departure: instance.departureMs(r))
      admissions.append(Admission(request: r, cloudlet: choice.cloudlet, devicePrefix: choice.cheapest.devicePrefix,
                                  threads: choice.cheapest.threads))
    }
    return AdmissionSolution(admissions: admissions)
  }

  /// The greedy baselines: admit every request that fits somewhere.
  public enum Greedy: String, Sendable, CaseIterable {
    /// The first cloudlet (in index order) where it fits.
    case firstFit
    /// The cloudlet it leaves with the fewest free threads.
    case bestFit
    /// The cloudlet where it needs the fewest threads (then the lowest index).
    case fewestThreads
  }

  /// A greedy baseline on `instance`.
  public static func greedy(_ instance: OnlineAdmissionInstance, table: AdmissionTable, rule: Greedy) -> AdmissionSolution {
    run(instance, table: table) { _, options, _ in
      switch rule {
      case .firstFit: options.first
      case .bestFit: options.min { ($0.freeAfter, $0.cloudlet) < ($1.freeAfter, $1.cloudlet) }
      case .fewestThreads: options.min { ($0.cheapest.threads, $0.cloudlet) < ($1.cheapest.threads, $1.cloudlet) }
      }
    }
  }

  /// The fixed-threshold rule: a request whose value density on a cloudlet (``PricingParameters/density(_:threads:)``)
  /// is at least the geometric mean of the instance's density range may take any free thread
  /// there; one below it only while the cloudlet stays at most half full (half the capacity is
  /// kept for valuable requests). Among the allowed cloudlets, best fit.
  public static func threshold(_ instance: OnlineAdmissionInstance, table: AdmissionTable) -> AdmissionSolution {
    let parameters = PricingParameters(instance, table: table)
    let threshold = (parameters.minDensity * parameters.maxDensity).squareRoot()
    return run(instance, table: table) { r, options, _ in
      options.filter { option in
        parameters.density(r, threads: option.cheapest.threads) >= threshold
          || 2 * (instance.cloudlets[option.cloudlet].threads - option.freeAfter) <= instance.cloudlets[option.cloudlet].threads
      }.min { ($0.freeAfter, $0.cloudlet) < ($1.freeAfter, $1.cloudlet) }
    }
  }
}

/// The constants of the exponential-pricing rule, computed from the instance before the first
/// arrival (Awerbuch–Azar–Plotkin assume the value-density range known in advance).
///
/// Time is counted in slots of ``slotMs``: the greatest common divisor of every arrival and
/// holding time when all are whole milliseconds, else 1 ms. A request holds its threads for
/// `τ_r` slots: its holding time, or, if it has none while others do, until the horizon (one
/// slot after the last arrival or departure). Without any holding time the instance is static
/// (no time: `τ_r = 1`, a thread's price depends on the load now). The value density of request
/// `r` on cloudlet `c` is `ρ_rc = w_r / (k_rc · τ_r)` (value per thread-slot, `k_rc` its fewest
/// threads there); `F = ρ_max / ρ_min` over every feasible pair, `T = max τ_r`, and
/// `μ = 2 (1 + F · T)`.
public struct PricingParameters: Sendable {
  /// Slot length in ms.
  public let slotMs: Double
  /// Whether no request departs (static capacity).
  public let isStatic: Bool
  /// Whether every arrival and holding time is a whole number of slots and every request has a
  /// holding time, or none has: the time structure the competitive ratio needs.
  public let isSlotted: Bool
  /// End of time for requests without a holding time (ms), in a non-static instance.
  public let horizonMs: Double
  /// Each request's holding time in slots (`τ_r`).
  public let slots: [Double]
  /// Smallest and largest value density over the feasible pairs (1 when there are none).
  public let minDensity: Double, maxDensity: Double
  /// `T`: the longest holding time in slots.
  public let longestHold: Double
  /// `μ = 2 (1 + F · T)`.
  public let mu: Double
  /// Fewest threads per feasible (request, cloudlet) pair over the cloudlet's capacity, the largest.
  public let largestShare: Double

  private let weights: [Double]

  public init(_ instance: OnlineAdmissionInstance, table: AdmissionTable) {
    let arrivals = instance.arrivals
    isStatic = arrivals.allSatisfy { $0.holdMs == nil }
    let times = arrivals.flatMap { [$0.atMs] + ($0.holdMs.map { [$0] } ?? []) }
    let whole = times.allSatisfy { $0 == $0.rounded() && $0 < 9e15 }
    slotMs = whole ? Double(times.reduce(0) { Self.gcd($0, Int($1)) }).nonZero ?? 1 : 1
    isSlotted = isStatic || (whole && arrivals.allSatisfy { $0.holdMs != nil })
    horizonMs = (instance.requests.indices.map { r in instance.departureMs(r).isFinite ? instance.departureMs(r) : arrivals[r].atMs }.max() ?? 0) + slotMs
    let horizon = horizonMs, slot = slotMs, isStatic = isStatic
    slots = instance.requests.indices.map { r in
      isStatic ? 1 : (min(instance.departureMs(r), horizon) - arrivals[r].atMs) / slot
    }
    weights = instance.requests.map(\.weight)
    var low = Double.infinity, high = 0.0, share = 0.0
    for r in instance.requests.indices {
      for c in instance.cloudlets.indices {
        guard let k = table.threads(request: r, cloudlet: c) else { continue }
        let density = weights[r] / (Double(k) * slots[r])
        low = min(low, density)
        high = max(high, density)
        share = max(share, Double(k) / Double(instance.cloudlets[c].threads))
      }
    }
    minDensity = low.isFinite ? low : 1
    maxDensity = low.isFinite ? high : 1
    longestHold = slots.max() ?? 1
    mu = 2 * (1 + maxDensity / minDensity * longestHold)
    largestShare = share
  }

  /// `ρ_rc` of request `r` with `threads` threads.
  public func density(_ r: Int, threads: Int) -> Double { weights[r] / (Double(threads) * slots[r]) }

  /// Why the competitive ratio `1 / (2 log₂ μ)` is not proven on this instance (see
  /// ``OnlineAdmission/pricing(_:table:parameters:)``), or `nil` when it is, with `μ` at most `maxMu`.
  public func assumptionFailure(maxMu: Double) -> String? {
    if !isSlotted { return "times are not whole slots, or only some requests depart" }
    if mu > maxMu { return "μ = 2(1 + F·T) = \(formatted(mu)) exceeds \(formatted(maxMu))" }
    let bound = 1 / Double.log2(mu)
    if largestShare > bound + 1e-12 {
      return "a request needs \(formatted(largestShare * 100, digits: 1)) % of a cloudlet's threads, more than 1/log₂ μ = \(formatted(bound * 100, digits: 1)) %"
    }
    return nil
  }

  private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

private extension Double {
  var nonZero: Double? { self == 0 ? nil : self }
}

extension OnlineAdmission {
  /// Exponential pricing (Awerbuch, Azar and Plotkin, "Throughput-competitive on-line routing",
  /// FOCS 1993, with a cloudlet's threads as one resource per time slot).
  ///
  /// A thread of cloudlet `c` costs `p_c(t) = ρ_min (μ^{L_c(t)} − 1)` per slot, `L_c(t)` the
  /// fraction of its threads held at slot `t` by the requests admitted so far (their departures
  /// are known, so the future load is too). On arrival of `r`, the price of each cloudlet is
  /// `k_rc · Σ_{t ∈ [a_r, a_r + τ_r)} p_c(t)`; the request is admitted on the cheapest cloudlet
  /// where it fits if that price is below its weight `w_r`, else rejected.
  ///
  /// *Theorem.* If the instance is slotted (``PricingParameters/isSlotted``) and every feasible
  /// pair needs `k_rc ≤ K_c / log₂ μ` threads, the admitted weight is at least `OPT / (2 log₂ μ)`.
  ///
  /// *Proof* (primal–dual). The time-indexed LP relaxation of the offline problem has the dual
  /// `min Σ_c Σ_t K_c y_ct + Σ_r z_r` subject to `z_r + k_rc Σ_{t ∈ I_r} y_ct ≥ w_r` for every
  /// feasible pair, `y, z ≥ 0`. Set `y` to the final prices and `z_r = w_r − price` for an
  /// admitted request (0 otherwise). *Feasible:* prices only grow; a rejected request saw a price
  /// `≥ w_r` on every cloudlet; an admitted one took the cheapest. (A request never finds its
  /// cheapest cloudlet below `w_r` but full: a slot with load above `1 − 1/log₂ μ` costs at least
  /// `ρ_min (μ/2 − 1) = ρ_min F T ≥ w_r / k_rc`.) *Growth:* admitting `r` raises every price it
  /// touches by the factor `μ^{k/K}` with `μ^{k/K} − 1 ≤ (k/K) log₂ μ` (convexity, `k/K ≤ 1/log₂ μ`),
  /// so `Σ K_c Δy ≤ log₂ μ (price + ρ_min k τ_r) ≤ log₂ μ (price + w_r)`, and with `z_r = w_r − price`
  /// and `price < w_r` the dual grows by at most `2 log₂ μ · w_r` while the primal grows by `w_r`.
  /// So `OPT ≤ LP ≤ dual ≤ 2 log₂ μ · ALG`. ∎
  ///
  /// Returns the solution and the dual value (an upper bound on the optimum when the theorem's
  /// assumptions hold). `parameters` default to the instance's own (tests pass another
  /// instance's to show that decisions depend on nothing else).
  public static func pricing(
    _ instance: OnlineAdmissionInstance, table: AdmissionTable, parameters: PricingParameters? = nil
  ) -> (solution: AdmissionSolution, dualBound: Double) {
    let parameters = parameters ?? PricingParameters(instance, table: table)
    let (beta, mu) = (parameters.minDensity, parameters.mu)
    let capacities = instance.cloudlets.map { Double($0.threads) }
    var slack = 0.0  // Σ z_r
    /// Σ over slots of [from, to) of p_c(t) per thread, the load falling at each departure.
    func price(_ c: Int, _ state: OnlineState, from: Double, to end: Double) -> Double {
      if parameters.isStatic { return beta * (Double.pow(mu, Double(state.load[c]) / capacities[c]) - 1) }
      var load = state.load[c], time = from, total = 0.0
      for (departure, threads) in state.held[c].sorted(by: { $0.departure < $1.departure }) {
        let until = min(departure, end)
        if until > time {
          total += beta * (Double.pow(mu, Double(load) / capacities[c]) - 1) * (until - time) / parameters.slotMs
          time = until
        }
        load -= threads
        if time >= end { break }
      }
      if end > time { total += beta * (Double.pow(mu, Double(load) / capacities[c]) - 1) * (end - time) / parameters.slotMs }
      return total
    }
    let solution = run(instance, table: table) { r, options, state in
      let start = instance.arrivals[r].atMs
      let end = min(instance.departureMs(r), parameters.horizonMs)
      let priced = options.map { ($0, Double($0.cheapest.threads) * price($0.cloudlet, state, from: start, to: end)) }
      guard let best = priced.min(by: { ($0.1, $0.0.cloudlet) < ($1.1, $1.0.cloudlet) }),
            best.1 < instance.requests[r].weight else { return nil }
      slack += instance.requests[r].weight - best.1
      return best.0
    }
    // The dual's resource part: Σ_c K_c Σ_t p_c(t) at the final loads.
    var resources = 0.0
    for c in instance.cloudlets.indices {
      let held = solution.admissions.filter { $0.cloudlet == c }.map { a in
        (start: instance.arrivals[a.request].atMs, end: min(instance.departureMs(a.request), parameters.horizonMs), threads: a.threads)
      }
      if parameters.isStatic {
        let load = held.reduce(0) { $0 + $1.threads }
        resources += capacities[c] * beta * (Double.pow(mu, Double(load) / capacities[c]) - 1)
        continue
      }
      let cuts = Set(held.flatMap { [$0.start, $0.end] }).sorted()
      for (from, to) in zip(cuts, cuts.dropFirst()) {
        let load = held.reduce(0) { $0 + ($1.start <= from && from < $1.end ? $1.threads : 0) }
        resources += capacities[c] * beta * (Double.pow(mu, Double(load) / capacities[c]) - 1) * (to - from) / parameters.slotMs
      }
    }
    return (solution, resources + slack)
  }
}
