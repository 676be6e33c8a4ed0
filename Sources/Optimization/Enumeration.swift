/// Sizes of exhaustive enumerations, checked before they are computed: `1 << n` traps at
/// `n == Int.bitWidth - 1` and is 0 from `Int.bitWidth` on, so every subset enumeration asks
/// here first instead of shifting.
public enum Enumeration {
  /// Most items whose subsets an `Int` bit mask can enumerate: 2⁶² masks on 64-bit platforms
  /// (`1 << 63` overflows `Int`).
  public static let maxSubsetItems = Int.bitWidth - 2

  /// The number of subsets of `n` items (2ⁿ), or `nil` when `n` is negative or beyond
  /// ``maxSubsetItems``, so that it cannot be counted in an `Int`.
  public static func subsetCount(_ n: Int) -> Int? {
    (0...maxSubsetItems).contains(n) ? 1 << n : nil
  }

  /// Every subset of `n` items as an `Int` bit mask (bit `i` set: item `i` is in), or `nil` when
  /// ``subsetCount(_:)`` cannot count them.
  public static func subsetMasks(_ n: Int) -> Range<Int>? { subsetCount(n).map { 0..<$0 } }
}
