import Admission
import EdgeSplitModel
import ModelZoo

/// Seeded online P1 instances: P1 requests from `AdmissionGenerator`, put in an arrival order
/// with arrival and holding times. Every shape is a documented function of its seed.
public enum OnlineAdmissionGenerator {
  /// How the requests of a P1 instance arrive.
  public enum Order: Sendable, Hashable {
    /// A uniformly random order (seeded), one arrival every 10 ms, no departures.
    case random(seed: UInt64)
    /// Small low-value requests first, then large high-value ones: by weight, then fewest
    /// threads, ascending; one every 10 ms, no departures.
    case adversarial
    /// Bursts every second: 5–40 requests within its first 50 ms (whole ms), each holding its
    /// threads 300–2,500 ms (whole ms).
    case bursty(seed: UInt64)
    /// Whole slots of 100 ms: 5–15 requests at each slot boundary, each holding for 1–`maxSlots`
    /// slots (the time structure ``OnlineAdmission/pricing(_:table:parameters:)``'s ratio needs).
    case slotted(seed: UInt64, maxSlots: Int)
  }

  /// `base`'s requests arriving in `order`.
  public static func online(_ base: AdmissionInstance, order: Order, name: String) throws(FieldError) -> OnlineAdmissionInstance {
    var requests = base.requests
    var arrivals: [Arrival]
    switch order {
    case .random(let seed):
      var rng = SeededGenerator(seed: seed)
      for i in stride(from: requests.count - 1, to: 0, by: -1) {
        requests.swapAt(i, Int(rng.next(below: UInt64(i + 1))))
      }
      arrivals = requests.indices.map { Arrival(atMs: Double(10 * $0)) }
    case .adversarial:
      let table = AdmissionTable(base)
      let need = base.requests.indices.map { r in base.cloudlets.indices.compactMap { table.threads(request: r, cloudlet: $0) }.min() ?? Int.max }
      requests = base.requests.indices.sorted { (base.requests[$0].weight, need[$0], $0) < (base.requests[$1].weight, need[$1], $1) }
        .map { base.requests[$0] }
      arrivals = requests.indices.map { Arrival(atMs: Double(10 * $0)) }
    case .bursty(let seed):
      var rng = SeededGenerator(seed: seed)
      arrivals = []
      var burst = 0
      while arrivals.count < requests.count {
        let size = min(rng.integer(in: 5...40), requests.count - arrivals.count)
        let offsets = (0..<size).map { _ in rng.integer(in: 0...49) }.sorted()
        arrivals += offsets.map { Arrival(atMs: Double(1_000 * burst + $0), holdMs: Double(rng.integer(in: 300...2_500))) }
        burst += 1
      }
    case .slotted(let seed, let maxSlots):
      var rng = SeededGenerator(seed: seed)
      arrivals = []
      var slot = 0
      while arrivals.count < requests.count {
        let size = min(rng.integer(in: 5...15), requests.count - arrivals.count)
        arrivals += (0..<size).map { _ in Arrival(atMs: Double(100 * slot), holdMs: Double(100 * rng.integer(in: 1...maxSlots))) }
        slot += 1
      }
    }
    return try OnlineAdmissionInstance(name: name, models: base.models, cloudlets: base.cloudlets, requests: requests, arrivals: arrivals)
  }

  /// Weights for the slotted instances: each request's fewest threads (anywhere) × its holding
  /// slots × an integer in `1...2`, so the value density varies by at most 2× beyond what the
  /// cloudlets' thread needs add.
  public static func slottedWeights(_ instance: OnlineAdmissionInstance, seed: UInt64) throws(FieldError) -> OnlineAdmissionInstance {
    var rng = SeededGenerator(seed: seed)
    let table = AdmissionTable(instance.base)
    var requests = instance.requests
    for r in requests.indices {
      let need = instance.cloudlets.indices.compactMap { table.threads(request: r, cloudlet: $0) }.min() ?? 1
      requests[r].weight = Double(need) * (instance.arrivals[r].holdMs! / 100) * Double(rng.integer(in: 1...2))
    }
    return try OnlineAdmissionInstance(name: instance.name, models: instance.models, cloudlets: instance.cloudlets,
                                       requests: requests, arrivals: instance.arrivals)
  }

  /// Models the shipped instances draw from (P1's).
  public static let models: [ModelZoo.Name] = [.alexnet, .resnet18, .mobilenetv2, .googlenet, .vgg16, .tinyyolov2]
  /// Seeds of the randomized shapes: five each, so every measure is a mean ± sd over five.
  public static let seeds: [UInt64] = [1, 2, 3, 4, 5]

  /// The shipped set (`instances/online-admission/`):
  /// - `random-N` (N = 1…5): one P1 instance (120 requests, 6 cloudlets, weights 1–10, demand
  ///   2× capacity) in five random orders, no departures (so the offline optimum is P1's);
  /// - `adversarial-N` (N = 1…5): five such instances with correlated weights (fewest threads
  ///   + 1–10), small low-value requests first;
  /// - `bursty-N` (N = 1…5): 200 requests on 6 cloudlets (weights 1–10, default capacities) in
  ///   bursts, with departures;
  /// - `pricing-N` (N = 1…5): 300 requests on 3 large cloudlets (48–64 threads, loose deadlines,
  ///   near-equal cloudlets) in 100 ms slots, holding 1–20 slots, weights proportional to
  ///   threads × slots: the instances where the pricing rule's competitive ratio is proven.
  public static func shipped() throws -> [OnlineAdmissionInstance] {
    let models = Self.models.map(ModelZoo.model)
    var generator = AdmissionGenerator()
    generator.demandOverCapacity = 2
    generator.weights = .uniform(1...10)
    let randomBase = try generator.generate(name: "random", models: models, requests: 120, cloudlets: 6, seed: 700)
    var instances = try seeds.map { seed throws in try online(randomBase, order: .random(seed: seed), name: "random-\(seed)") }
    generator.weights = .correlated(extra: 1...10)
    for seed in seeds {
      let base = try generator.generate(name: "adversarial", models: models, requests: 120, cloudlets: 6, seed: 710 + seed)
      instances.append(try online(base, order: .adversarial, name: "adversarial-\(seed)"))
    }
    var bursty = AdmissionGenerator()
    bursty.weights = .uniform(1...10)
    for seed in seeds {
      let base = try bursty.generate(name: "bursty", models: models, requests: 150, cloudlets: 5, seed: 720 + seed)
      instances.append(try online(base, order: .bursty(seed: seed), name: "bursty-\(seed)"))
    }
    var large = AdmissionGenerator()
    large.threads = 10...14
    large.threadGflops = 40...40
    large.delayPerDistanceMs = 2
    large.tightness = 1.5...3
    for seed in seeds {
      let base = try large.generate(name: "pricing", models: models, requests: 300, cloudlets: 3, seed: 730 + seed)
      let timed = try online(base, order: .slotted(seed: seed, maxSlots: 10), name: "pricing-\(seed)")
      instances.append(try slottedWeights(timed, seed: seed))
    }
    return instances
  }
}
