import EdgeSplitModel

/// Seeded P4 instances: heterogeneous UEs (phone or Raspberry-Pi class) with models drawn from a
/// list, bit-identical for the same seed on every platform (`SeededGenerator`).
public enum UploadGenerator {
  /// Phone-class device speeds in GFLOP/s.
  public static let phoneGflops: ClosedRange<Double> = 20...100
  /// Raspberry-Pi-class device speeds in GFLOP/s.
  public static let piGflops: ClosedRange<Double> = 2...10
  /// Channel caps in Mbit/s of cellular-class links (the default).
  public static let uplinkMbps: ClosedRange<Double> = 1...100
  /// Channel caps in Mbit/s of fast (WiFi 6 / 5G class) links.
  public static let fastUplinkMbps: ClosedRange<Double> = 1...1000

  /// `ues` UEs, each a phone or a Pi with equal probability, a channel cap uniform in `caps`
  /// and a model drawn uniformly from `models` (which must not be empty), each running `frames`
  /// frames, on a server with the `reallocation` policy (neither draws anything: the same seed
  /// gives the same UEs for any frames and policy).
  public static func generate(
    name: String, models: [DNNModel], ues: Int, serverGflops: Double, bandwidthMbps: Double,
    caps: ClosedRange<Double> = uplinkMbps, frames: Int = 1, reallocation: ReallocationPolicy = .none, seed: UInt64
  ) throws(FieldError) -> UploadInstance {
    precondition(!models.isEmpty, "the generator needs at least one model")
    var rng = SeededGenerator(seed: seed)
    let devices = (0..<ues).map { i in
      let phone = rng.coin()
      let speed = rng.uniform(in: phone ? phoneGflops : piGflops)
      let cap = rng.uniform(in: caps)
      let model = models[rng.integer(in: models.indices)]
      return UploadUE(name: "ue\(i + 1)-\(phone ? "phone" : "pi")", model: model,
                      deviceGflops: (speed * 10).rounded() / 10, maxUplinkMbps: (cap * 10).rounded() / 10, frames: frames)
    }
    return try UploadInstance(name: name, ues: devices, serverGflops: serverGflops, bandwidthMbps: bandwidthMbps,
                              reallocation: reallocation)
  }

  /// A five-layer chain small enough for exhaustive search: light convolutions with few
  /// parameters first, heavy fully connected parameters last (the case where uploading only the
  /// first layers pays off).
  public static func smallChain() -> DNNModel {
    try! DNNModel(name: "small-chain", inputBytes: 600_000, layers: [
      Layer(name: "conv1", type: .conv, flops: 0.8e9, outputBytes: 400_000, paramBytes: 10_000, inputs: []),
      Layer(name: "conv2", type: .conv, flops: 1.2e9, outputBytes: 200_000, paramBytes: 150_000, inputs: ["conv1"]),
      Layer(name: "conv3", type: .conv, flops: 0.9e9, outputBytes: 50_000, paramBytes: 600_000, inputs: ["conv2"]),
      Layer(name: "fc1", type: .fc, flops: 0.05e9, outputBytes: 16_000, paramBytes: 6_000_000, inputs: ["conv3"]),
      Layer(name: "fc2", type: .fc, flops: 0.004e9, outputBytes: 4_000, paramBytes: 400_000, inputs: ["fc1"]),
    ])
  }

  /// A six-layer DAG (two parallel branches joined by a concatenation) small enough for
  /// exhaustive search; its device sets are not only prefixes of the topological order.
  public static func smallDAG() -> DNNModel {
    try! DNNModel(name: "small-dag", inputBytes: 600_000, layers: [
      Layer(name: "stem", type: .conv, flops: 0.6e9, outputBytes: 300_000, paramBytes: 20_000, inputs: []),
      Layer(name: "a1", type: .conv, flops: 1.0e9, outputBytes: 150_000, paramBytes: 300_000, inputs: ["stem"]),
      Layer(name: "a2", type: .conv, flops: 0.8e9, outputBytes: 100_000, paramBytes: 500_000, inputs: ["a1"]),
      Layer(name: "b1", type: .conv, flops: 0.4e9, outputBytes: 100_000, paramBytes: 100_000, inputs: ["stem"]),
      Layer(name: "cat", type: .concat, flops: 0, outputBytes: 200_000, paramBytes: 0, inputs: ["a2", "b1"]),
      Layer(name: "fc", type: .fc, flops: 0.02e9, outputBytes: 4_000, paramBytes: 4_000_000, inputs: ["cat"]),
    ])
  }

  /// `model` with its weights stored in `bytesPerWeight` bytes instead of fp32's 4 (2: fp16,
  /// 1: int8), named `<name>-fp16` / `-int8`: parameters to upload shrink by `4 / bytesPerWeight`;
  /// FLOPs and tensors are unchanged (activations stay fp32).
  public static func compressed(_ model: DNNModel, bytesPerWeight: Int) -> DNNModel {
    precondition([1, 2].contains(bytesPerWeight), "fp16 (2) or int8 (1)")
    var fields = model.fields
    fields.name += bytesPerWeight == 2 ? "-fp16" : "-int8"
    for i in fields.layers.indices { fields.layers[i].paramBytes *= Double(bytesPerWeight) / 4 }
    return try! DNNModel(validating: fields)
  }

  /// A DAG with two parallel branches whose device, upload and server times balance on a
  /// 10 GFLOP/s device with 800 Mbit/s and 100 GFLOP/s to itself: branch `a` (1 s of device
  /// compute, heavy parameters) suits the device, branch `b` (eight layers, 1 s to upload and 1 s to
  /// run on the server) the server. With parallel uploading `b`'s parameters stream while `a`
  /// computes and `b`'s layers run as their parameters arrive, about 1.14 s in all; serial
  /// uploading queues `b`'s parameters only after `a` ran (`a` comes first in the execution
  /// order, its names sorting first) and then alternates uploading and running, about 3 s: the
  /// reduction approaches 2/3, the most three overlapped resources allow.
  public static func twoBranch() -> DNNModel {
    var layers = [Layer(name: "stem", type: .conv, flops: 0.01e9, outputBytes: 100_000, paramBytes: 10_000, inputs: [])]
    for k in 1...4 {
      layers.append(Layer(name: "a\(k)", type: .conv, flops: 2.5e9, outputBytes: 100_000, paramBytes: 50_000_000,
                          inputs: [k == 1 ? "stem" : "a\(k - 1)"]))
    }
    for k in 1...8 {
      layers.append(Layer(name: "b\(k)", type: .conv, flops: 12.5e9, outputBytes: 100_000, paramBytes: 12_500_000,
                          inputs: [k == 1 ? "stem" : "b\(k - 1)"]))
    }
    layers.append(Layer(name: "join", type: .concat, flops: 0, outputBytes: 4_000, paramBytes: 0, inputs: ["a4", "b8"]))
    return try! DNNModel(name: "two-branch", inputBytes: 100_000, layers: layers)
  }

  /// A chain balanced the same way: four layers with 1 s of device compute, then eight layers
  /// with 1 s of parameters to upload and little server work (0.16 s at 100 GFLOP/s, 1.6 s on the device). The server
  /// half needs the device half's output, so uploading can only overlap the device: parallel
  /// uploading takes about max(device, upload), serial about device + upload, a reduction
  /// capped near 1/2.
  public static func balancedChain() -> DNNModel {
    var layers: [Layer] = []
    for k in 1...4 {
      layers.append(Layer(name: "c\(k)", type: .conv, flops: 2.5e9, outputBytes: 100_000, paramBytes: 50_000_000,
                          inputs: k == 1 ? [] : ["c\(k - 1)"]))
    }
    for k in 1...8 {
      layers.append(Layer(name: "s\(k)", type: .fc, flops: 2e9, outputBytes: 100_000, paramBytes: 12_500_000,
                          inputs: [k == 1 ? "c4" : "s\(k - 1)"]))
    }
    return try! DNNModel(name: "balanced-chain", inputBytes: 100_000, layers: layers)
  }
}
