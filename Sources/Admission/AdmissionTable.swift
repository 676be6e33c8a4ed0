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
  private let speedups: SpeedupTable

  public init(_ instance: AdmissionInstance) {
    self.instance = instance
    let profiles = instance.models.map(PrefixProfile.init)
    self.profiles = profiles
    let cloudletCount = instance.cloudlets.count
    let speedups = SpeedupTable(instance)
    self.speedups = speedups
    let capacities = instance.cloudlets.map(\.threads)
    let threadSpeeds = instance.cloudlets.map { $0.threadGflops * 1e9 }
    var threads = [Int32](repeating: 0, count: instance.requests.count * cloudletCount)
    var prefixes = [Int32](repeating: -1, count: threads.count)
    var front: [PrefixTimes] = []
    for r in instance.requests.indices {
      let request = instance.requests[r]
      let model = instance.modelIndex[r]
      Self.paretoPrefixes(request, profiles[model], into: &front)
      let deadline = request.deadlineMs / 1000
      for c in 0..<cloudletCount {
        let delay = request.delaysMs[c] / 1000
        var best: (threads: Int, prefix: Int)?
        for times in front {
          let timing = Timing(times: times, delay: delay, threadSpeed: threadSpeeds[c], deadline: deadline,
                              model: model, speedups: speedups)
          guard let k = timing.leastThreads(atMost: best.map { $0.threads - 1 } ?? capacities[c]) else { continue }
          best = (k, times.prefix)
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

  /// Calls `body` with the thread counts of every `(r, c)` at `r · C + c` (0 where `r` cannot
  /// meet its deadline on `c`): the raw table, for loops over all pairs.
  package func withThreadCounts<Result>(_ body: (UnsafeBufferPointer<Int32>) -> Result) -> Result {
    threads.withUnsafeBufferPointer(body)
  }

  /// Fewest threads request `r` needs on any cloudlet, or `nil` when it fits nowhere.
  public func fewestThreads(request r: Int) -> Int? {
    var least = Int.max
    for c in 0..<instance.cloudlets.count {
      let k = threadCount(r, c)
      if k > 0 && k < least { least = k }
    }
    return least == .max ? nil : least
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

  /// Fewest threads (at most `limit`, default and at most the cloudlet's capacity) with which
  /// request `r` meets its deadline on cloudlet `c` with the first `devicePrefix` layers on the
  /// device.
  public func minimumThreads(request r: Int, cloudlet c: Int, devicePrefix p: Int, atMost limit: Int? = nil) -> Int? {
    let request = instance.requests[r]
    let capacity = instance.cloudlets[c].threads
    let timing = Timing(times: PrefixTimes(request, profiles[instance.modelIndex[r]], prefix: p),
                        delay: request.delaysMs[c] / 1000, threadSpeed: instance.cloudlets[c].threadGflops * 1e9,
                        deadline: request.deadlineMs / 1000, model: instance.modelIndex[r],
                        speedups: speedups)
    return timing.leastThreads(atMost: min(limit ?? capacity, capacity))
  }

  /// Prefixes not beaten on both fixed time (device + upload) and server FLOPs by another,
  /// written into `front` (reused across requests to avoid allocations).
  private static func paretoPrefixes(_ request: InferenceRequest, _ profile: PrefixProfile, into front: inout [PrefixTimes]) {
    front.removeAll(keepingCapacity: true)
    let all = (0..<profile.count).map { PrefixTimes(request, profile, prefix: $0) }
    let order = all.indices.sorted {
      (all[$0].device + all[$0].upload, all[$0].serverFlops) < (all[$1].device + all[$1].upload, all[$1].serverFlops)
    }
    var leastWork = Double.infinity
    for p in order where all[p].serverFlops < leastWork {
      front.append(all[p])
      leastWork = all[p].serverFlops
    }
  }
}

/// Speedups `model.speedup(threads: k)` for every model and `k` up to the largest cloudlet,
/// computed once so the hot loop reads a flat array instead of copying models.
private struct SpeedupTable {
  let width: Int
  let values: [Double]
  /// Amdahl's parallel fraction of each model, for the first guess of the thread count.
  let fractions: [Double]

  init(_ instance: AdmissionInstance) {
    let largest = instance.cloudlets.map(\.threads).max()!
    width = largest + 1
    values = instance.models.flatMap { model in [1] + (1...largest).map { model.speedup(threads: $0) } }
    fractions = instance.models.map { $0.parallelFraction ?? DNNModel.defaultParallelFraction }
  }

  func speedup(model: Int, threads k: Int) -> Double { values[model * width + k] }
}

/// The request-dependent parts of one prefix's latency, each computed with the same expression
/// as ``AdmissionEvaluator/latency``: sums differ from the evaluator's only by the order FLOPs and
/// bytes are added, which ``planningTolerance`` absorbs.
private struct PrefixTimes {
  var prefix: Int
  /// Device seconds.
  var device: Double
  /// Upload seconds (without the propagation delay).
  var upload: Double
  var serverFlops: Double

  init(_ request: InferenceRequest, _ profile: PrefixProfile, prefix p: Int) {
    prefix = p
    device = Seconds.compute(profile.deviceFlops[p], gflops: request.deviceGflops)
    upload = Seconds.transfer(profile.transferBytes[p], mbps: request.uplinkMbps)
    serverFlops = profile.serverFlops[p]
  }
}

/// One (request, cloudlet, prefix) triple, ready to find its least thread count.
private struct Timing {
  var times: PrefixTimes
  /// Propagation delay in seconds.
  var delay: Double
  /// One thread's speed in FLOP/s.
  var threadSpeed: Double
  var deadline: Double
  var model: Int
  var speedups: SpeedupTable

  /// Latency in seconds, summed in the same order as ``AdmissionEvaluator/latency``.
  func latency(threads k: Int) -> Double {
    times.device + (times.upload + delay) + times.serverFlops / (threadSpeed * speedups.speedup(model: model, threads: k))
  }

  /// The fewest threads in `1...limit` that meet the deadline (with ``planningTolerance``), or
  /// `nil`. Latency never grows with the thread count, so this is the lowest point of a monotone
  /// predicate: Amdahl's law inverted gives a first guess, a binary search settles it (also when
  /// the server part has no work or the deadline sits at the tolerance edge).
  func leastThreads(atMost limit: Int) -> Int? {
    guard limit >= 1 else { return nil }
    func fits(_ k: Int) -> Bool { fitsWithin(latency(threads: k), deadline, tolerance: planningTolerance) }
    guard fits(limit) else { return nil }
    var low = 1, high = limit  // invariant: fits(high); nothing below `low` fits
    if let guess = firstGuess(), (1...limit).contains(guess) {
      if fits(guess) {
        if guess == 1 || !fits(guess - 1) { return guess }
        high = guess - 1
      } else {
        low = guess + 1
      }
    }
    while low < high {
      let middle = (low + high) / 2
      if fits(middle) { high = middle } else { low = middle + 1 }
    }
    return high
  }

  /// `k` with `speedup(k) >= single / slack`, i.e. `(1 - f) + f / k <= slack / single`, when
  /// that has a positive solution.
  private func firstGuess() -> Int? {
    let slack = deadline - (times.device + times.upload + delay)
    let single = times.serverFlops / threadSpeed
    if single <= slack { return 1 }
    let fraction = speedups.fractions[model]
    let room = slack / single - (1 - fraction)
    guard room > 0 else { return nil }
    let guess = (fraction / room).rounded(.up)
    return guess < Double(Int32.max) ? max(1, Int(guess)) : nil
  }
}
