/// A processing rate that is constant between breakpoints: ``initialRate`` from time 0, then each
/// change from its time on. ``UploadEvaluator`` serves a UE's uplink (bytes per second) and its
/// server share (FLOP per second) at such rates, which change when other UEs release theirs.
///
/// A schedule without changes computes exactly what a constant rate does (`start + work / rate`,
/// `(t1 - t0) * rate`), so static shares replay bit for bit as they did before schedules existed;
/// and adding a change at `t` leaves every result that ends by `t` bit for bit unchanged.
public struct RateSchedule: Sendable, Hashable {
  /// The rate from time 0 until the first change.
  public let initialRate: Double
  /// When the rate changes, in increasing order.
  public private(set) var changeTimes: [Double] = []
  /// The rate from each change time on.
  public private(set) var changedRates: [Double] = []

  /// A constant rate (work units per second).
  public init(rate: Double) {
    initialRate = rate
  }

  /// From `time` on the rate is `rate`; `time` may not precede an earlier change (a change at the
  /// same time replaces it).
  public mutating func change(to rate: Double, at time: Double) {
    precondition(time >= (changeTimes.last ?? 0), "rate changes must come in time order")
    if changeTimes.last == time {
      changedRates[changedRates.count - 1] = rate
    } else {
      changeTimes.append(time)
      changedRates.append(rate)
    }
  }

  /// The rate at `time` (a change applies from its own time on).
  public func rate(at time: Double) -> Double {
    rate(ofSegment: segment(containing: time))
  }

  /// When `work` units started at `start` are done (`start` for no work, even at rate 0).
  public func completion(of work: Double, from start: Double) -> Double {
    var segment = segment(containing: start)
    var time = start
    var left = work
    while left > 0 {
      let rate = rate(ofSegment: segment)
      let end = end(ofSegment: segment)
      let done = time + left / rate
      if end == .infinity || done <= end { return done }
      left -= (end - time) * rate
      time = end
      segment += 1
    }
    return time
  }

  /// The units processed between `t0` and `t1 >= t0`.
  public func work(from t0: Double, to t1: Double) -> Double {
    var segment = segment(containing: t0)
    var time = t0
    var done = 0.0
    while true {
      let end = min(end(ofSegment: segment), t1)
      done += (end - time) * rate(ofSegment: segment)
      if end >= t1 { return done }
      time = end
      segment += 1
    }
  }

  /// The mean rate over `[0, until]`; the initial rate when `until` is 0.
  public func averageRate(until time: Double) -> Double {
    time > 0 ? work(from: 0, to: time) / time : initialRate
  }

  /// Segment `k` is `[changeTimes[k - 1], changeTimes[k])`; segment 0 starts at time 0.
  private func segment(containing time: Double) -> Int {
    var low = 0, high = changeTimes.count  // the number of change times <= time
    while low < high {
      let middle = (low + high) / 2
      if changeTimes[middle] <= time { low = middle + 1 } else { high = middle }
    }
    return low
  }

  private func rate(ofSegment k: Int) -> Double { k == 0 ? initialRate : changedRates[k - 1] }

  private func end(ofSegment k: Int) -> Double { k < changeTimes.count ? changeTimes[k] : .infinity }
}
