import EdgeSplitModel
import RealModule

/// Seeded synthetic models for cross-checks and scaling tests. Every layer is built by
/// ``NetworkBuilder``, so shapes, FLOPs and bytes are as consistent as in the zoo; the same
/// arguments give the same model on every platform (`SeededGenerator` plus integer-only
/// draws, never the standard library's unspecified `random(in:using:)` algorithms).
///
/// Each generator returns exactly `layers` layers, listed in a topological order.
public enum SyntheticNetworks {
  /// A CNN-like chain on a 3×224×224 input: a strided stem conv, then 3×3 and 1×1 convs with
  /// occasional 2×2 max pools (halving the map down to 7×7 and doubling the width up to 512),
  /// ending in a 1000-way fc when `layers >= 2`.
  public static func randomChain(layers: Int, seed: UInt64) -> DNNModel {
    precondition(layers >= 1, "a model needs at least one layer")
    var rng = Draw(seed)
    var b = NetworkBuilder("chain-\(layers)-s\(seed)")
    b.input(channels: 3, height: 224, width: 224)
    var width = 32
    b.convBN("conv0", out: width, kernel: 3, stride: 2, padding: 1)
    for i in 1..<max(layers - 1, 1) {
      let side = b.current.shape[1]
      if side > 7 && rng.chance(0.15) {
        b.pool("pool\(i)", .max, kernel: 2, stride: 2)
        width = min(2 * width, 512)
      } else if rng.chance(0.7) {
        b.convBN("conv\(i)", out: width, kernel: 3, padding: 1)
      } else {
        b.convBN("conv\(i)", out: rng.chance(0.5) ? width : max(width / 2, 8), kernel: 1)
      }
    }
    if layers >= 2 { b.fc("fc", out: 1000) }
    return b.finish()
  }

  /// A random DAG at one resolution (7, 14 or 28 pixels square, drawn from the seed): layer 0
  /// reads the 3-channel input; each later layer is a 1×1 or 3×3 conv over the concatenation
  /// of 1…`maxFanIn` distinct earlier layers (the first usually the previous layer), or, with
  /// probability 1/20, a conv reading the model input again. Multi-input layers carry real
  /// work, and outputs read by several layers or by none occur, as min-cut cross-checks need.
  public static func randomDAG(layers: Int, maxFanIn: Int, seed: UInt64) -> DNNModel {
    precondition(layers >= 1, "a model needs at least one layer")
    precondition(maxFanIn >= 1, "maxFanIn must be at least 1")
    var rng = Draw(seed)
    let side = [7, 14, 28][rng.below(3)]
    var b = NetworkBuilder("dag-\(layers)-f\(maxFanIn)-s\(seed)")
    let input = b.input(channels: 3, height: side, width: side)
    var outputs: [NetworkBuilder.Tensor] = []
    outputs.reserveCapacity(layers)
    for i in 0..<layers {
      var sources: [NetworkBuilder.Tensor] = [input]
      if i > 0 && !rng.chance(0.05) {
        let fanIn = min(1 + rng.below(maxFanIn), i)
        var chosen = [rng.chance(0.6) ? i - 1 : rng.below(i)]
        while chosen.count < fanIn {
          let j = rng.below(i)
          if !chosen.contains(j) { chosen.append(j) }
        }
        sources = chosen.map { outputs[$0] }
      }
      let kernel = rng.chance(0.6) ? 3 : 1
      let out = 16 << rng.below(5)
      outputs.append(b.convolution(
        "L\(i)", out: out, kernel: kernel, stride: 1, padding: kernel / 2, groups: 1, bias: true,
        inputs: sources))
    }
    return b.finish()
  }

  /// A long DAG like a stack of residual and inception blocks on a 3×224×224 input: a stem
  /// conv, random blocks (plain conv, residual basic/bottleneck block, inception-like module
  /// of 2–4 branches joined by a `concat`, or a long skip `add` to an earlier tensor of the same
  /// shape), four downsamplings (max pool or strided projection block) spread evenly over the
  /// depth down to 7×7, and a global-average-pool + fc head when `layers >= 4`.
  public static func deepDAG(layers: Int, seed: UInt64) -> DNNModel {
    precondition(layers >= 1, "a model needs at least one layer")
    var rng = Draw(seed)
    var b = NetworkBuilder("deep-\(layers)-s\(seed)")
    b.input(channels: 3, height: 224, width: 224)
    var x = b.convBN("stem", out: 64, kernel: 7, stride: 2, padding: 3)
    let head = layers >= 4 ? 2 : 0
    let body = layers - 1 - head
    var recent: [NetworkBuilder.Tensor] = []  // same-shape tensors a long skip may read
    var block = 0
    var downsamples = 0
    while b.layerCount - 1 < body {
      let left = body - (b.layerCount - 1)
      let prefix = "b\(block)"
      block += 1
      let width = x.channels
      if x.shape[1] > 7 && b.layerCount - 1 >= (downsamples + 1) * body / 5 {
        downsamples += 1
        let wider = min(2 * width, 512)
        if left >= 4 && rng.chance(0.5) {
          x = b.basicBlock(prefix, width: wider, stride: 2, from: x)
        } else {
          b.pool("\(prefix).pool", .max, kernel: 3, stride: 2, padding: 1, from: x)
          x = left >= 2 && wider != width ? b.convBN("\(prefix).widen", out: wider, kernel: 1) : b.current
        }
        recent = []
        continue
      }
      switch rng.below(5) {
      case 0 where left >= 3:
        x = b.basicBlock(prefix, width: width, stride: 1, from: x)
      case 1 where left >= 4 && width % 4 == 0:
        x = b.bottleneck(prefix, width: width / 4, stride: 1, from: x)
      case 2 where left >= 3:
        x = inceptionLike(&b, prefix, width: width, budget: left, rng: &rng, from: x)
      case 3 where recent.count >= 2:
        let skip = recent[rng.below(recent.count - 1)]  // an earlier block, not x itself
        x = b.add("\(prefix).skip", from: [x, skip])
      default:
        x = b.convBN("\(prefix).conv", out: width, kernel: 3, padding: 1, from: x)
      }
      recent.append(x)
      if recent.count > 6 { recent.removeFirst() }
    }
    if head > 0 {
      b.globalAvgPool("avgpool", from: x)
      b.fc("fc", out: 1000)
    }
    return b.finish()
  }

  /// 2–4 branches (a 1×1 conv, a 1×1 → 3×3 pair, or a 3×3/1 max pool → 1×1 conv) whose
  /// widths sum to `width`, joined by a `concat`; uses at most `budget` layers.
  private static func inceptionLike(
    _ b: inout NetworkBuilder, _ prefix: String, width: Int, budget: Int, rng: inout Draw,
    from x: NetworkBuilder.Tensor
  ) -> NetworkBuilder.Tensor {
    let branches = min(2 + rng.below(3), budget - 1)
    var used = 1  // the concat
    var outputs: [NetworkBuilder.Tensor] = []
    for k in 0..<branches {
      let out = width / branches + (k < width % branches ? 1 : 0)
      let spare = budget - used - (branches - k - 1)  // keep one layer for each later branch
      let name = "\(prefix).branch\(k)"
      switch spare >= 2 ? rng.below(3) : 0 {
      case 1:
        b.convBN("\(name).0", out: max(out / 2, 1), kernel: 1, from: x)
        outputs.append(b.convBN("\(name).1", out: out, kernel: 3, padding: 1))
        used += 2
      case 2:
        b.pool("\(name).0", .max, kernel: 3, stride: 1, padding: 1, from: x)
        outputs.append(b.convBN("\(name).1", out: out, kernel: 1))
        used += 2
      default:
        outputs.append(b.convBN(name, out: out, kernel: 1, from: x))
        used += 1
      }
    }
    return b.concat("\(prefix).concat", from: outputs)
  }
}

extension SyntheticNetworks {
  /// A random cost profile for partitioning: no tensor geometry, but layer `i` reads one to three
  /// of the `width` layers before it (or, with probability `inputShare`, the model input), its
  /// FLOPs are log-uniform in 10⁶–10^9.5 (zero for one layer in ten) and its output bytes
  /// log-uniform in 10³–10^6.5, as is the input. Unlike ``randomDAG(layers:maxFanIn:seed:)``,
  /// whose activations grow like a real CNN's, outputs here span three orders of magnitude, so
  /// minimum cuts fall deep inside even very long graphs: the shape min-cut cross-checks and
  /// scaling runs need.
  public static func costDAG(layers count: Int, width: Int, seed: UInt64, inputShare: Double = 0.1) -> DNNModel {
    precondition(count >= 1 && width >= 1 && (0...1).contains(inputShare), "invalid costDAG arguments")
    return costProfile(name: "cost-dag-\(count)-\(seed)", layers: count, width: width, seed: seed, inputShare: inputShare,
                       layerCosts: { _, draw in (draw.chance(0.1) ? 0 : draw.logUniform(6, 9.5), draw.logUniform(3, 6.5)) },
                       inputBytes: { $0.logUniform(4, 6.5) })
  }

  /// The device and server speeds (GFLOP/s) and uplink (Mbit/s) for which
  /// ``deepCutDAG(layers:width:cutDepth:seed:)`` places its minimum-latency cut.
  public static let deepCutSpeeds = (deviceGflops: 100.0, serverGflops: 200.0, uplinkMbps: 100.0)

  /// A cost profile like ``costDAG(layers:width:seed:inputShare:)`` (each layer reads one to
  /// three of the `width` layers before it; only layer 0 reads the model input) whose
  /// minimum-latency cut, at ``deepCutSpeeds``, keeps about `cutDepth × layers` layers on the
  /// device: the scaling family for minimum cuts, since the work of a max flow grows with the
  /// depth of the cut, not with the size of the graph alone.
  ///
  /// Before the cut, layers are light (10³–10⁵ FLOPs: running them on the device costs next to
  /// nothing) and their outputs heavy (10⁵·⁵–10⁶·⁵ bytes), the model input heavier still
  /// (10⁷ bytes plus 10³ per layer), so sending anything early is dear; the `width` layers just
  /// before the cut have tiny outputs (10²–10³ bytes), a cheap place to cut; after it, layers are
  /// heavy (10⁸–10⁹·⁵ FLOPs, twice as fast on the server) with heavy outputs, so they stay on the
  /// server. `cutDepth` 0 keeps the bottleneck at the very start, 1 at the end.
  public static func deepCutDAG(layers count: Int, width: Int, cutDepth: Double, seed: UInt64) -> DNNModel {
    precondition(count >= 1 && width >= 1 && (0...1).contains(cutDepth), "invalid deepCutDAG arguments")
    let cut = Int((cutDepth * Double(count)).rounded())
    let percent = Int((100 * cutDepth).rounded())
    return costProfile(
      name: "deep-cut-\(count)-d\(percent)-\(seed)", layers: count, width: width, seed: seed, inputShare: 0,
      layerCosts: { i, draw in
        if i >= cut { return (draw.logUniform(8, 9.5), draw.logUniform(5.5, 6.5)) }
        return (draw.logUniform(3, 5), i >= cut - width ? draw.logUniform(2, 3) : draw.logUniform(5.5, 6.5))
      },
      inputBytes: { _ in 1e7 + 1e3 * Double(count) })
  }

  /// The shared generator of the cost profiles: layer `i` reads one to three distinct layers of
  /// the `width` before it (or, with probability `inputShare`, and always for layer 0, the model
  /// input) and gets its FLOPs and output bytes from `layerCosts`.
  private static func costProfile(
    name: String, layers count: Int, width: Int, seed: UInt64, inputShare: Double,
    layerCosts: (Int, inout Draw) -> (flops: Double, outputBytes: Double), inputBytes: (inout Draw) -> Double
  ) -> DNNModel {
    var draw = Draw(seed)
    var layers: [Layer] = []
    layers.reserveCapacity(count)
    for i in 0..<count {
      var inputs: [String] = []
      if i > 0 && !draw.chance(inputShare) {
        let first = max(0, i - width)
        for _ in 0..<(1 + draw.below(3)) {
          let name = "l\(first + draw.below(i - first))"
          if !inputs.contains(name) { inputs.append(name) }
        }
      }
      let (flops, outputBytes) = layerCosts(i, &draw)
      layers.append(Layer(name: "l\(i)", type: .conv, flops: flops, outputBytes: outputBytes, paramBytes: 0, inputs: inputs))
    }
    do {
      return try DNNModel(name: name, inputBytes: inputBytes(&draw), layers: layers)
    } catch {
      preconditionFailure("a cost profile built an invalid model: \(error)")
    }
  }
}

/// Integer-only draws from a ``SeededGenerator``, identical on every platform and Swift version.
package struct Draw {
  private var generator: SeededGenerator

  package init(_ seed: UInt64) { generator = SeededGenerator(seed: seed) }

  /// Uniform in `0..<n` (modulo bias below 2⁻⁵⁰ for the small `n` used here).
  package mutating func below(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }

  /// Uniform in `[0, 1)`, from the top 53 bits.
  package mutating func unit() -> Double { Double(generator.next() >> 11) * 0x1p-53 }

  /// True with probability `p`.
  package mutating func chance(_ p: Double) -> Bool { unit() < p }

  /// Log-uniform in `10^low ... 10^high`, rounded to an integer.
  package mutating func logUniform(_ low: Double, _ high: Double) -> Double {
    Double.exp10(low + (high - low) * unit()).rounded()
  }
}
