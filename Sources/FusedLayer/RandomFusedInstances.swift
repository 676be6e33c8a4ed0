import EdgeSplitModel
import ModelZoo
internal import RealModule

/// Seeded random P3 instances, for testing fused-layer solvers against brute force.
///
/// Each instance is a random chain of conv and pool layers (1×1, 3×3 and 5×5 convs of 4 to 96
/// channels, 2×2/2 and 3×3/1 pools, occasional stride-2 convs) on a 3-channel input of 24 to
/// 160 pixels, whose maps never shrink below 4×4, then 0 to 3 more conv/pool layers and an fc
/// head. The fused prefix is 1 to 10 layers long; the tilings are 2 to 5 distinct grids of up
/// to 4×4. Speeds and links are log-uniform over broad ranges: device 1 to 50 GFLOP/s, server
/// 1 to 1,000 times faster, uplink 1 to 1,000 Mbit/s, and half the instances a downlink 1 to 10
/// times faster than the uplink (the others return results for free).
///
/// Tilings stay within what exact search enumerates: at most ``tileLimitWithDownlink`` tiles
/// when downloads cost time (every order of the offloaded paths is tried), at most
/// ``tileLimitWithoutDownlink`` when they are free (Johnson's rule orders them).
public struct RandomFusedInstances: Sendable {
  /// Most tiles of a tiling when the instance has a downlink (default 9, as brute force).
  public var tileLimitWithDownlink: Int
  /// Most tiles of a tiling when results come back free (default 16, a 4×4 grid).
  public var tileLimitWithoutDownlink: Int

  public init(tileLimitWithDownlink: Int = 9, tileLimitWithoutDownlink: Int = 16) {
    self.tileLimitWithDownlink = tileLimitWithDownlink
    self.tileLimitWithoutDownlink = tileLimitWithoutDownlink
  }

  /// The `index`-th instance of the family; the same index gives the same instance everywhere.
  public func instance(_ index: Int) -> FusedInstance {
    var draw = Draw(0xF05E_D000 &+ UInt64(index))
    let logUniform = { (draw: inout Draw, low: Double, high: Double) in
      Double.exp(Double.log(low) + draw.unit() * (Double.log(high) - Double.log(low)))
    }
    let side = 24 + 8 * draw.below(18)
    var b = NetworkBuilder("random-fused-\(index)")
    b.input(channels: 3, height: side, width: side)
    let spatial = 1 + draw.below(10) + draw.below(4)
    for i in 0..<spatial {
      let map = b.current.shape[1]
      if draw.chance(0.25) {
        if map >= 8 && draw.chance(0.6) {
          b.pool("pool\(i)", .max, kernel: 2, stride: 2)
        } else {
          b.pool("pool\(i)", .max, kernel: 3, stride: 1, padding: 1)
        }
      } else {
        let kernel = [1, 3, 3, 3, 5][draw.below(5)]
        let stride = map >= 8 && draw.chance(0.15) ? 2 : 1
        b.conv("conv\(i)", out: 4 + draw.below(93), kernel: kernel, stride: stride, padding: kernel / 2)
      }
    }
    b.fc("fc", out: 10)
    let model = b.finish()
    let downlink = draw.chance(0.5)
    let uplink = logUniform(&draw, 1, 1000)
    let limit = downlink ? tileLimitWithDownlink : tileLimitWithoutDownlink
    let grids = (1...4).flatMap { r in (1...4).map { Tiling(rows: r, columns: $0) } }.filter { $0.tiles <= limit }
    var tilings: [Tiling] = []
    for _ in 0..<(2 + draw.below(4)) {
      let tiling = grids[draw.below(grids.count)]
      if !tilings.contains(tiling) { tilings.append(tiling) }
    }
    let device = logUniform(&draw, 1, 50)
    do {
      return try FusedInstance(
        name: model.name, model: model, deviceGflops: device, serverGflops: device * logUniform(&draw, 1, 1000),
        uplinkMbps: uplink, downlinkMbps: downlink ? uplink * logUniform(&draw, 1, 10) : nil, tilings: tilings,
        maxBlockLength: 1 + draw.below(min(10, spatial)))
    } catch {
      preconditionFailure("random fused instance \(index) is invalid: \(error)")
    }
  }

  /// Instances `0..<count`.
  public func instances(_ count: Int) -> [FusedInstance] { (0..<count).map(instance) }
}
