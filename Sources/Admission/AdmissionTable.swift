import EdgeSplitModel

/// The cheapest way to serve a request on a cloudlet: the fewest threads that meet the deadline,
/// and a device prefix that achieves it.
public struct CheapestOption: Sendable, Hashable {
  /// Fewest threads meeting the deadline.
  public var threads: Int
  /// A device prefix that meets the deadline with ``threads`` threads.
  public var devicePrefix: Int
}

/// Everything the P1 solvers share: for every request and cloudlet, the fewest threads that
/// meet the deadline over all candidate partitions.
///
/// For a count (or weighted count) objective only that least thread count matters: any
/// solution using more threads, or another partition, for an `(r, c)` pair can be changed to the
/// cheapest option without breaking a constraint or changing the objective. So P1 reduces to a
/// maximum-profit generalized assignment problem with sizes ``cheapest(request:cloudlet:)``.
///
/// To stay fast on 100,000 requests × 100 cloudlets, each request first keeps only its
/// Pareto-optimal prefixes in (device + transfer time, server FLOPs): a prefix beaten on both by
/// another can never need fewer threads on any cloudlet.
///
/// - Complexity: `O(Σ_models (L + E) + R · (L log L + C · P))` where `P` is the number of
///   Pareto prefixes per request (a handful on real models).
public struct AdmissionTable: Sendable {
  /// The instance the table describes.
  public let instance: AdmissionInstance
  /// Work and traffic of every prefix, per model.
  public let profiles: [PrefixProfile]
  private let threads: [Int32]
  private let prefixes: [Int32]

  public init(_ instance: AdmissionInstance) {
    self.instance = instance
    let profiles = instance.models.map(PrefixProfile.init)
    self.profiles = profiles
    let cloudletCount = instance.cloudlets.count
    var threads = [Int32](repeating: 0, count: instance.requests.count * cloudletCount)
    var prefixes = [Int32](repeating: -1, count: threads.count)
    for r in instance.requests.indices {
      let profile = profiles[instance.modelIndex[r]]
      let front = Self.paretoPrefixes(instance, request: r, profile: profile)
      for c in 0..<cloudletCount {
        var best: (threads: Int, prefix: Int)?
        for p in front {
          guard let k = Self.minimumThreads(instance, profile, request: r, cloudlet: c, devicePrefix: p,
                                            atMost: best.map { $0.threads - 1 } ?? instance.cloudlets[c].threads)
          else { continue }
          best = (k, p)
          if k == 1 { break }
        }
        if let best {
          threads[r * cloudletCount + c] = Int32(best.threads)
          prefixes[r * cloudletCount + c] = Int32(best.prefix)
        }
      }
    }
    self.threads = threads
    self.prefixes = prefixes
  }

  /// The cheapest option for request `r` on cloudlet `c`, or `nil` when no partition and thread
  /// count meets the deadline there.
  public func cheapest(request r: Int, cloudlet c: Int) -> CheapestOption? {
    let k = threadCount(r, c)
    return k == 0 ? nil : CheapestOption(threads: k, devicePrefix: prefix(r, c))
  }

  /// Fewest threads request `r` needs on cloudlet `c`, or `nil` when it cannot meet its deadline
  /// there: the item size of the GAP view, without building a ``CheapestOption``.
  public func threads(request r: Int, cloudlet c: Int) -> Int? {
    let k = threadCount(r, c)
    return k == 0 ? nil : k
  }

  private func threadCount(_ r: Int, _ c: Int) -> Int {
    Int(threads[r * instance.cloudlets.count + c])
  }

  private func prefix(_ r: Int, _ c: Int) -> Int {
    Int(prefixes[r * instance.cloudlets.count + c])
  }

  /// Fewest threads (at most `limit`, default the cloudlet's capacity) with which request `r`
  /// meets its deadline on cloudlet `c` with the first `devicePrefix` layers on the device.
  public func minimumThreads(request r: Int, cloudlet c: Int, devicePrefix p: Int, atMost limit: Int? = nil) -> Int? {
    Self.minimumThreads(instance, profiles[instance.modelIndex[r]], request: r, cloudlet: c,
                        devicePrefix: p, atMost: limit ?? instance.cloudlets[c].threads)
  }

  /// Latency in seconds, summed in the same order as ``AdmissionEvaluator/latency``.
  static func latency(
    _ instance: AdmissionInstance, _ profile: PrefixProfile, request r: Int, cloudlet c: Int,
    devicePrefix p: Int, threads k: Int
  ) -> Double {
    let request = instance.requests[r]
    let device = profile.deviceFlops[p] / (request.deviceGflops * 1e9)
    let transfer = 8 * profile.transferBytes[p] / (request.uplinkMbps * 1e6) + request.delaysMs[c] / 1000
    let server = profile.serverFlops[p]
      / (instance.cloudlets[c].threadGflops * 1e9 * instance.model(of: r).speedup(threads: k))
    return device + transfer + server
  }

  /// Inverts Amdahl's law for a first guess, then confirms with the latency itself so that the
  /// answer agrees with the evaluator to the last bit of tolerance.
  private static func minimumThreads(
    _ instance: AdmissionInstance, _ profile: PrefixProfile, request r: Int, cloudlet c: Int,
    devicePrefix p: Int, atMost limit: Int
  ) -> Int? {
    guard limit >= 1 else { return nil }
    let request = instance.requests[r]
    let deadline = request.deadlineMs / 1000
    func fits(_ k: Int) -> Bool {
      fitsWithin(latency(instance, profile, request: r, cloudlet: c, devicePrefix: p, threads: k), deadline)
    }
    let fixed = profile.deviceFlops[p] / (request.deviceGflops * 1e9)
      + 8 * profile.transferBytes[p] / (request.uplinkMbps * 1e6) + request.delaysMs[c] / 1000
    let slack = deadline - fixed
    let single = profile.serverFlops[p] / (instance.cloudlets[c].threadGflops * 1e9)
    var k: Int
    if single <= slack {
      k = 1
    } else {
      let fraction = instance.model(of: r).parallelFraction ?? DNNModel.defaultParallelFraction
      // speedup(k) >= single / slack  <=>  (1 - f) + f / k <= slack / single
      let room = slack / single - (1 - fraction)
      guard room > 0 else { return fits(limit) ? limit : nil }
      let guess = (fraction / room).rounded(.up)
      guard guess <= Double(limit) else { return fits(limit) ? limit : nil }
      k = max(1, Int(guess))
    }
    while k > 1 && fits(k - 1) { k -= 1 }
    while k <= limit && !fits(k) { k += 1 }
    return k <= limit ? k : nil
  }

  /// Prefixes not beaten on both fixed time (device + upload) and server FLOPs by another.
  private static func paretoPrefixes(_ instance: AdmissionInstance, request r: Int, profile: PrefixProfile) -> [Int] {
    let request = instance.requests[r]
    let fixed = (0..<profile.count).map {
      profile.deviceFlops[$0] / (request.deviceGflops * 1e9) + 8 * profile.transferBytes[$0] / (request.uplinkMbps * 1e6)
    }
    let order = (0..<profile.count).sorted { (fixed[$0], profile.serverFlops[$0]) < (fixed[$1], profile.serverFlops[$1]) }
    var front: [Int] = []
    var leastWork = Double.infinity
    for p in order where profile.serverFlops[p] < leastWork {
      front.append(p)
      leastWork = profile.serverFlops[p]
    }
    return front
  }
}
