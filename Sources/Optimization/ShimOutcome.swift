/// The outcome codes every backend's C shim reports (`_GLPKSHIMS_*`, `_CBCSHIMS_*`: the same
/// numbers), read into a ``TerminationReason`` in one place.
package struct ShimOutcome {
  /// 0 optimal, 1 feasible at a limit, 2 no solution at a limit, 3 infeasible, 4 unbounded, 5 error.
  package var outcome: Int32
  /// 0 none, 1 time, 2 iteration, 3 interrupted, 4 stopped without naming a limit, 5 node (CBC).
  package var limit: Int32
  /// The shim's static explanation, if any.
  package var detail: String?

  package init(outcome: Int32, limit: Int32, detail: UnsafePointer<CChar>?) {
    self.outcome = outcome
    self.limit = limit
    self.detail = detail.map { String(cString: $0) }
  }

  /// The closed reason; an error's text starts with `failure` (e.g. `GLPK failed`) and ends with
  /// `context` (return codes, the log).
  package func termination(failure: String, context: String) -> TerminationReason {
    let limit: TerminationReason.Limit =
      switch self.limit {
      case 1: .time
      case 2: .iterations
      case 3: .interrupted
      case 5: .nodes
      default: .unspecified
      }
    switch outcome {
    case 0: return .optimal
    case 1: return .feasible(limit: limit)
    case 2: return .noSolutionFound(limit: limit)
    case 3: return .infeasible
    case 4: return .unbounded
    default: return .error("\(failure): " + (detail ?? "unknown outcome \(outcome)") + context)
    }
  }
}

/// Wall-clock seconds of a duration, for ``MILPResult/solveSeconds``.
package func seconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
