/// A seedable random number generator (SplitMix64), so that every generator, swarm and
/// simulation in EdgeSplit gives bit-identical results for the same seed on every platform.
/// The standard library's `SystemRandomNumberGenerator` cannot be seeded.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The draws every randomized piece of EdgeSplit uses, written here rather than taken from the
/// standard library, whose `random(in:using:)` algorithms are unspecified and may change between
/// Swift releases. They reproduce what Swift 6.3's standard library draws from the same
/// generator (checked on 200,000 draws when they were written), so files generated before keep
/// their bits; `SeededGeneratorTests` pins them.
extension SeededGenerator {
  /// Uniform in `0..<bound` by Lemire's multiply-and-reject (no modulo bias).
  public mutating func next(below bound: UInt64) -> UInt64 {
    precondition(bound > 0, "an empty range has nothing to draw")
    var random = next()
    var product = random.multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold {
        random = next()
        product = random.multipliedFullWidth(by: bound)
      }
    }
    return product.high
  }

  /// Uniform in `range` (both ends included), on a grid of 2⁵³ + 1 points.
  public mutating func uniform(in range: ClosedRange<Double>) -> Double {
    let delta = range.upperBound - range.lowerBound
    precondition(delta.isFinite, "the range must be finite")
    let steps: UInt64 = 1 << 53
    let draw = next(below: steps + 1)
    if draw == steps { return range.upperBound }
    return delta * (Double(draw) * 0x1p-53) + range.lowerBound
  }

  /// Uniform in `range` (upper end excluded), on a grid of 2⁵³ points.
  public mutating func uniform(in range: Range<Double>) -> Double {
    let delta = range.upperBound - range.lowerBound
    precondition(!range.isEmpty && delta.isFinite, "the range must be finite and not empty")
    while true {
      let value = delta * (Double(next() & ((1 << 53) - 1)) * 0x1p-53) + range.lowerBound
      if value < range.upperBound { return value }
    }
  }

  /// Uniform in `range`.
  public mutating func integer(in range: ClosedRange<Int>) -> Int {
    let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
    if span == 0 { return Int(bitPattern: UInt(next())) }
    return range.lowerBound &+ Int(bitPattern: UInt(next(below: span)))
  }

  /// Uniform in `range`, which must not be empty.
  public mutating func integer(in range: Range<Int>) -> Int {
    precondition(!range.isEmpty, "an empty range has nothing to draw")
    return integer(in: range.lowerBound...(range.upperBound - 1))
  }

  /// A fair coin.
  public mutating func coin() -> Bool { (next() >> 17) & 1 == 0 }
}
