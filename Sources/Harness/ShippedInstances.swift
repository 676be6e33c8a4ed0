import FusedLayer
import Surgery
import Admission
import EdgeSplitModel
import Foundation
import ModelZoo
import Upload
import Streams

/// The instance set shipped under `instances/`, regenerated bit for bit by
/// `solverbench generate` (every file comes from a fixed seed).
public enum ShippedInstances {
  /// Models P1 requests draw from: chains and DAGs of very different weight.
  public static let admissionModels: [ModelZoo.Name] = [.alexnet, .resnet18, .mobilenetv2, .googlenet, .vgg16, .tinyyolov2]

  /// (requests, cloudlets) of the small P1 instances, solved exactly in CI.
  public static let smallAdmission: [(requests: Int, cloudlets: Int)] = [
    (8, 2), (10, 2), (12, 3), (15, 3), (20, 3), (25, 4), (30, 4), (35, 4), (40, 5), (45, 5), (50, 6), (60, 6),
  ]

  /// (requests, cloudlets) of the large P1 instances: beyond exact solving, for speed and bounds.
  public static let largeAdmission: [(requests: Int, cloudlets: Int)] = [(2_000, 50), (2_500, 60)]

  /// One hard P1 instance shape: demand over capacity and how weights are drawn.
  public struct HardAdmission: Sendable {
    public var requests: Int
    public var cloudlets: Int
    public var demandOverCapacity: Double
    public var weights: AdmissionGenerator.Weights
    /// Threads per cloudlet drawn before the demand scaling (`AdmissionGenerator.threads`): a
    /// wide range makes very unequal capacities.
    public var threads: ClosedRange<Int> = 4...16

    /// `uniform`, `correlated`, `strong` (correlated with a constant extra) or `inverse`.
    public var weightLabel: String {
      switch weights {
      case .unit: "unit"
      case .uniform: "uniform"
      case .correlated(let extra): extra.count == 1 ? "strong" : "correlated"
      case .inverselyCorrelated: "inverse"
      }
    }
  }

  /// Weights uniform in 1–10.
  public static let uniformWeights = AdmissionGenerator.Weights.uniform(1...10)
  /// Weights = fewest threads + uniform 1–10.
  public static let correlatedWeights = AdmissionGenerator.Weights.correlated(extra: 1...10)

  /// The hard P1 instances shipped under `instances/admission-hard/`: demand 1.5–3× capacity,
  /// integer weights. Sized so that CI proves every one optimal in seconds.
  public static let hardAdmission: [HardAdmission] = [
    .init(requests: 100, cloudlets: 10, demandOverCapacity: 1.5, weights: uniformWeights),
    .init(requests: 100, cloudlets: 10, demandOverCapacity: 3, weights: correlatedWeights),
    .init(requests: 200, cloudlets: 10, demandOverCapacity: 2, weights: uniformWeights),
    .init(requests: 200, cloudlets: 20, demandOverCapacity: 2.5, weights: correlatedWeights),
    .init(requests: 400, cloudlets: 20, demandOverCapacity: 2, weights: uniformWeights),
    .init(requests: 400, cloudlets: 20, demandOverCapacity: 1.5, weights: correlatedWeights),
  ]

  /// The larger hard P1 set for `Benchmarks/` (`solverbench generate --hard-benchmark`), not run
  /// in CI: 100–2,000 requests on 10–50 cloudlets, both weight kinds, demand 1.5–3× capacity.
  public static let hardAdmissionBenchmark: [HardAdmission] = [
    (100, 10), (200, 10), (300, 20), (500, 20), (700, 30), (1_000, 30), (1_500, 40), (2_000, 50),
  ].enumerated().flatMap { i, size in
    [uniformWeights, correlatedWeights].enumerated().map { w, weights in
      HardAdmission(requests: size.0, cloudlets: size.1, demandOverCapacity: [1.5, 2, 2.5, 3][(i + w) % 4],
                    weights: weights)
    }
  }

  /// The large weighted P1 set for `Benchmarks/` (`solverbench generate --hard-benchmark`, named
  /// `gap-NN-<weights>`, seeds 700...): 2,000–3,500 requests on 25–50 cloudlets with very unequal
  /// capacities (1–64 threads drawn, then scaled), demand 1.3–4× capacity, and weights of the
  /// generalized-assignment types B–E of Martello and Toth: uniform 10–50, correlated (fewest
  /// threads + 1–10), inversely correlated (60 − fewest threads + 1–10) and strongly correlated
  /// (fewest threads + 10).
  public static let largeWeightedBenchmark: [HardAdmission] = {
    let types: [AdmissionGenerator.Weights] = [
      .uniform(10...50), .correlated(extra: 1...10), .inverselyCorrelated(base: 60, extra: 1...10), .correlated(extra: 10...10),
    ]
    let sizes = [(2_000, 25), (2_500, 30), (3_000, 40), (3_500, 50)]
    let demands = [1.3, 2, 3, 4, 4, 3, 2, 1.3]
    return (0..<8).map { i in
      HardAdmission(requests: sizes[i % 4].0, cloudlets: sizes[i % 4].1, demandOverCapacity: demands[i],
                    weights: types[(i + i / 4) % 4], threads: 1...64)
    }
  }()

  /// The members of ``largeWeightedBenchmark`` shipped under `instances/admission-large/` (by
  /// index): `gap-05-correlated` (2,000 × 25, demand 4×) and `gap-06-inverse` (2,500 × 30, demand
  /// 3×), the two every exact P1 solver proves within seconds, so the shipped run stays fast.
  public static let shippedLargeWeighted: Set<Int> = [4, 5]

  /// Generates `shapes` (those at the indices in `only`, all by default) as instances named
  /// `<prefix>-NN-<weights>`, seeds `seed0 + index`.
  public static func hardAdmissionInstances(_ shapes: [HardAdmission], prefix: String, seed0: UInt64, only: Set<Int>? = nil) throws
    -> [AdmissionInstance]
  {
    let models = admissionModels.map(ModelZoo.model)
    return try shapes.enumerated().filter { only?.contains($0.offset) ?? true }.map { i, shape in
      var generator = AdmissionGenerator()
      generator.demandOverCapacity = shape.demandOverCapacity
      generator.weights = shape.weights
      generator.threads = shape.threads
      let name = String(format: "%@-%02d-%@", prefix, i + 1, shape.weightLabel)
      return try generator.generate(name: name, models: models, requests: shape.requests, cloudlets: shape.cloudlets,
                                    seed: seed0 + UInt64(i))
    }
  }

  /// The 100,000 × 100 correlated speed instance of `Benchmarks/` (`huge-100k-correlated`, seed
  /// 2027): demand 3× capacity, weights = fewest threads + 1–10. Unlike `huge-100k` (demand 94×
  /// capacity, unit weights: the pooled bound is the answer) the heuristics have work to do.
  public static func hugeCorrelated() throws -> AdmissionInstance {
    try hardAdmissionInstances([HardAdmission(requests: 100_000, cloudlets: 100, demandOverCapacity: 3, weights: correlatedWeights)],
                               prefix: "huge-100k", seed0: 2027)[0].renamed("huge-100k-correlated")
  }

  /// Writes ``hardAdmissionBenchmark`` and ``largeWeightedBenchmark`` under `folder`, and with
  /// `huge` also the 100,000 × 100 speed instances of `Benchmarks/` (`huge-100k`, default
  /// generator, seed 2026, about 175 MB, and ``hugeCorrelated()``); returns the paths written.
  @discardableResult
  public static func writeHardBenchmark(to folder: URL, huge: Bool = false) throws -> [URL] {
    var instances = try hardAdmissionInstances(hardAdmissionBenchmark, prefix: "bench", seed0: 500)
      + hardAdmissionInstances(largeWeightedBenchmark, prefix: "gap", seed0: 700)
    if huge {
      instances.append(try AdmissionGenerator().generate(
        name: "huge-100k", models: admissionModels.map(ModelZoo.model), requests: 100_000,
        cloudlets: 100, seed: 2026))
      instances.append(try hugeCorrelated())
    }
    return try write(instances.map { ("\($0.name).json", .instance(AnyInstance(AdmissionFamily.self, $0))) }, to: folder)
  }

  /// Models P2 instances split: DAGs (GoogLeNet, ResNets, MobileNetV2) and chains.
  public static let surgeryModels: [ModelZoo.Name] = [.googlenet, .resnet18, .resnet50, .mobilenetv2, .vgg16, .alexnet]

  /// Uplink rates (Mbit/s) of the P2 instances: DADS' 3G-like and 4G/WiFi rates (Table I), a fast
  /// link and 1 Gbit/s.
  public static let surgeryBandwidths: [(label: String, mbps: Double)] = [
    ("1", 1), ("5.85", 5.85), ("18.88", 18.88), ("100", 100), ("1000", 1000),
  ]

  /// Device and server speeds (GFLOP/s) of the P2 instances: a phone-class device next to a
  /// GPU server, and a Raspberry-Pi-class device next to a CPU server (DADS' prototype).
  public static let surgeryProcessors: [(label: String, deviceGflops: Double, serverGflops: Double)] = [
    ("phone", 10, 1000), ("pi", 2, 100),
  ]

  /// Every P2 instance: each model × processor pair × bandwidth × objective.
  public static func surgery() throws -> [(path: String, instance: SurgeryInstance)] {
    var files: [(String, SurgeryInstance)] = []
    for name in surgeryModels {
      let model = ModelZoo.model(name)
      for processors in surgeryProcessors {
        for bandwidth in surgeryBandwidths {
          for objective in SurgeryObjective.allCases {
            let stem = "\(name.rawValue)-\(processors.label)-\(bandwidth.label)mbps-\(objective.rawValue)"
            files.append(("surgery/\(stem).json", try SurgeryInstance(
              name: stem, model: model, deviceGflops: processors.deviceGflops, serverGflops: processors.serverGflops,
              uplinkMbps: bandwidth.mbps, objective: objective)))
          }
        }
      }
    }
    return files
  }

  /// P3 networks and how many of their first (conv/pool) layers may be fused: VGG-16 up to
  /// pool2 and Tiny YOLOv2 up to pool3.
  public static let fusedModels: [(name: ModelZoo.Name, maxBlockLength: Int)] = [(.vgg16, 6), (.tinyyolov2, 6)]
  /// P3 uplink rates in Mbit/s; the downlink is ``fusedDownlinkFactor`` times faster.
  public static let fusedUplinksMbps: [Double] = [5, 20, 100]
  /// Downlink rate over uplink rate in the P3 instances (asymmetric access links).
  public static let fusedDownlinkFactor = 4.0
  /// P3 (device, server) speeds in GFLOP/s: an embedded-GPU-class device with a server 5×
  /// faster, and a phone-CPU-class device with a server 40× faster.
  public static let fusedSpeeds: [(device: Double, server: Double)] = [(20, 100), (5, 200)]
  /// P3 candidate tilings: none, two strips, 2×2 and 3×3 grids (BF enumerates up to 9 paths).
  public static let fusedTilings = [Tiling(rows: 1, columns: 1), Tiling(rows: 1, columns: 2),
                                    Tiling(rows: 2, columns: 2), Tiling(rows: 3, columns: 3)]

  /// The P3 instances: every model × speed pair × uplink rate, named
  /// `<model>-r<server/device>-up<Mbps>`.
  public static func fused() throws -> [FusedInstance] {
    var instances: [FusedInstance] = []
    for (modelName, maxBlockLength) in fusedModels {
      let model = ModelZoo.model(modelName)
      for speeds in fusedSpeeds {
        for uplink in fusedUplinksMbps {
          let name = "\(modelName.rawValue)-r\(Int(speeds.server / speeds.device))-up\(Int(uplink))"
          instances.append(try FusedInstance(
            name: name, model: model, deviceGflops: speeds.device, serverGflops: speeds.server,
            uplinkMbps: uplink, downlinkMbps: uplink * fusedDownlinkFactor, tilings: fusedTilings,
            maxBlockLength: maxBlockLength))
        }
      }
    }
    return instances
  }

  /// Zoo models P4 UEs draw from: chains (AlexNet, VGG-16, Tiny YOLOv2) and DAGs (ResNet-18,
  /// GoogLeNet, MobileNetV2).
  public static let uploadModels: [ModelZoo.Name] = [.alexnet, .vgg16, .tinyyolov2, .resnet18, .googlenet, .mobilenetv2]
  /// P4 server compute budget `F` (GFLOP/s) of the zoo instances.
  public static let uploadServerGflops = 500.0
  /// Numbers of UEs of the P4 sweeps.
  public static let uploadUECounts = [2, 5, 10, 20]
  /// Bandwidth budgets (Mbit/s) of the fast-link P4 sweep (10 UEs, the same UEs as `fast-ues-10`).
  public static let uploadBandwidths: [Double] = [100, 300, 1000, 3000]
  /// P4 instances also shipped with `ReallocationPolicy.onRelease` (as `NAME-realloc`), so the
  /// suite measures what reallocating released shares changes: fast-link ones, where MJOA-MU
  /// offloads (with cellular links it keeps every layer local and nothing is released).
  public static let uploadReallocated = ["fast-ues-05", "fast-ues-10", "fast-bw-3000"]

  /// The P4 instances: three small ones (synthetic five- and six-layer models, 2–3 UEs, loose and
  /// tight budgets) where `p4-exact` proves the optimum; a sweep over the number of UEs with cellular
  /// links (caps 1–100 Mbit/s, `B` = 100 Mbit/s); the same sweep with fast links (caps 1–1000
  /// Mbit/s, `B` = 1000 Mbit/s); a sweep over `B` with 10 fast-link UEs; and the
  /// ``uploadReallocated`` instances again with reallocation on release.
  public static func upload() throws -> [UploadInstance] {
    let small: [(name: String, models: [DNNModel], ues: Int, gflops: Double, mbps: Double, seed: UInt64)] = [
      ("small-chain-2ue-loose", [UploadGenerator.smallChain()], 2, 200, 100, 401),
      ("small-mixed-3ue-tight", [UploadGenerator.smallChain(), UploadGenerator.smallDAG()], 3, 20, 10, 402),
      ("small-dag-3ue-loose", [UploadGenerator.smallDAG()], 3, 200, 100, 403),
    ]
    var instances = try small.map {
      try UploadGenerator.generate(name: $0.name, models: $0.models, ues: $0.ues, serverGflops: $0.gflops, bandwidthMbps: $0.mbps, seed: $0.seed)
    }
    let models = uploadModels.map(ModelZoo.model)
    for count in uploadUECounts {
      instances.append(try UploadGenerator.generate(name: String(format: "ues-%02d", count), models: models, ues: count,
                                                    serverGflops: uploadServerGflops, bandwidthMbps: 100, seed: 410))
      instances.append(try UploadGenerator.generate(name: String(format: "fast-ues-%02d", count), models: models, ues: count,
                                                    serverGflops: uploadServerGflops, bandwidthMbps: 1000,
                                                    caps: UploadGenerator.fastUplinkMbps, seed: 410))
    }
    for mbps in uploadBandwidths where mbps != 1000 {
      instances.append(try UploadGenerator.generate(name: String(format: "fast-bw-%04d", Int(mbps)), models: models, ues: 10,
                                                    serverGflops: uploadServerGflops, bandwidthMbps: mbps,
                                                    caps: UploadGenerator.fastUplinkMbps, seed: 410))
    }
    instances += try uploadRegimes()
    return instances + (try instances.filter { uploadReallocated.contains($0.name) }.map {
      try $0.withReallocation(.onRelease).renamed("\($0.name)-realloc")
    })
  }

  /// The P4 regimes where parallel uploading pays (issue 22): the balanced two-branch DAG and
  /// chain of `UploadGenerator` alone (`branch-ue-01`, `chain-ue-01`: a 10 GFLOP/s device with
  /// 800 Mbit/s and 100 GFLOP/s) and four UEs competing for half of what they would each take
  /// (`branch-ues-04`, `mixed-ues-04`: two branches, two chains); zoo models with fp16 and int8
  /// weights on 100 Mbit/s–1 Gbit/s links (`fp16-ues-03`, `int8-ues-05`: the UEs of
  /// `fast-ues-NN` with compressed models and caps 100–1000 Mbit/s); and a model uploaded once for
  /// several inferences (`clip-ues-03-fNNN`, ``uploadClipFrames``): the two-branch UE, a
  /// Raspberry-Pi-class UE with GoogLeNet on a 25 Mbit/s channel and a phone with AlexNet on
  /// 40 Mbit/s, sharing 200 GFLOP/s and 1000 Mbit/s.
  static func uploadRegimes() throws -> [UploadInstance] {
    func ues(_ models: [DNNModel]) -> [UploadUE] {
      models.enumerated().map { UploadUE(name: "ue\($0.offset + 1)", model: $0.element, deviceGflops: 10, maxUplinkMbps: 800) }
    }
    let branch = UploadGenerator.twoBranch(), chain = UploadGenerator.balancedChain()
    var instances = [
      try UploadInstance(name: "branch-ue-01", ues: ues([branch]), serverGflops: 100, bandwidthMbps: 800),
      try UploadInstance(name: "chain-ue-01", ues: ues([chain]), serverGflops: 100, bandwidthMbps: 800),
      try UploadInstance(name: "branch-ues-04", ues: ues(Array(repeating: branch, count: 4)), serverGflops: 200, bandwidthMbps: 1600),
      try UploadInstance(name: "mixed-ues-04", ues: ues([branch, chain, branch, chain]), serverGflops: 200, bandwidthMbps: 1600),
    ]
    let zoo = uploadModels.map(ModelZoo.model)
    for (bytes, count) in [(2, 3), (1, 5)] {
      instances.append(try UploadGenerator.generate(
        name: String(format: "%@-ues-%02d", bytes == 2 ? "fp16" : "int8", count),
        models: zoo.map { UploadGenerator.compressed($0, bytesPerWeight: bytes) }, ues: count,
        serverGflops: uploadServerGflops, bandwidthMbps: 1000, caps: 100...1000, seed: 410))
    }
    let clip = try UploadInstance(name: "clip", ues: [
      UploadUE(name: "ue1-branch", model: branch, deviceGflops: 10, maxUplinkMbps: 800),
      UploadUE(name: "ue2-pi", model: ModelZoo.googlenet(), deviceGflops: 9, maxUplinkMbps: 25),
      UploadUE(name: "ue3-phone", model: ModelZoo.alexnet(), deviceGflops: 100, maxUplinkMbps: 40),
    ], serverGflops: 200, bandwidthMbps: 1000)
    for frames in uploadClipFrames {
      instances.append(try clip.withFrames(frames).renamed(String(format: "clip-ues-03-f%03d", frames)))
    }
    return instances
  }

  /// Frames per UE of the `clip-ues-03-fNNN` instances: the same three UEs running 1, 10 and
  /// 100 inferences per upload of their models.
  public static let uploadClipFrames = [1, 10, 100]

  /// The P1 instances: the small ones solved exactly in CI, the large ones beyond exact solving
  /// (both under `admission/`), the hard ones under `admission-hard/`, and two large weighted
  /// ones (``shippedLargeWeighted``) under `admission-large/`.
  public static func admission() throws -> [(path: String, instance: AdmissionInstance)] {
    let models = admissionModels.map(ModelZoo.model)
    let generator = AdmissionGenerator()
    var shipped: [(path: String, instance: AdmissionInstance)] = []
    for (prefix, sizes, seed0) in [("small", smallAdmission, 100), ("large", largeAdmission, 900)] {
      for (i, size) in sizes.enumerated() {
        let name = String(format: "%@-%02d", prefix, i + 1)
        shipped.append(("admission/\(name).json", try generator.generate(
          name: name, models: models, requests: size.requests, cloudlets: size.cloudlets, seed: UInt64(seed0 + i))))
      }
    }
    return shipped + files(try hardAdmissionInstances(hardAdmission, prefix: "hard", seed0: 300), in: "admission-hard")
      + files(try hardAdmissionInstances(largeWeightedBenchmark, prefix: "gap", seed0: 700, only: shippedLargeWeighted),
              in: "admission-large")
  }

  /// `instances` as files named after them in `folder`.
  public static func files<Instance: FamilyInstance>(_ instances: [Instance], in folder: String) -> [(path: String, instance: Instance)] {
    instances.map { ("\(folder)/\($0.name).json", $0) }
  }

  /// Every shipped file as (relative path, instance or model): the zoo's models, then each
  /// registered family's shipped set.
  public static func all() throws -> [(path: String, content: Content)] {
    let models: [(String, Content)] = ModelZoo.Name.allCases.map { ("models/\($0.rawValue).json", .model(ModelZoo.model($0))) }
    return try models + Catalog.registrations.flatMap { try $0.shippedInstances().map { ($0.path, .instance($0.instance)) } }
  }

  /// A shipped file's content.
  public enum Content {
    case model(DNNModel)
    case instance(AnyInstance)
  }

  /// Writes every shipped file under `folder`; returns the paths written.
  @discardableResult
  public static func write(to folder: URL) throws -> [URL] {
    try write(all(), to: folder)
  }

  private static func write(_ files: [(path: String, content: Content)], to folder: URL) throws -> [URL] {
    let encoder = InstanceIO.encoder
    return try files.map { path, content in
      let url = folder.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      let data = switch content {
      case .model(let model): try encoder.encode(model)
      case .instance(let instance): try InstanceIO.encode(instance)
      }
      try data.write(to: url)
      return url
    }
  }
}
