/// How a ``MILPSolver`` backend should run.
public struct SolveOptions: Sendable, Hashable {
  /// Wall-clock budget in seconds, or `nil` for none. Must be finite and
  /// positive. GLPK counts milliseconds (rounded up, capped at `Int32.max`)
  /// and checks the clock between steps, so a solve may overrun a little.
  public var timeLimit: Double?
  /// Stop once the relative gap between the incumbent and the best bound is at
  /// most this (GLPK's `mip_gap`). 0, the default, asks for a proven optimum.
  public var relativeGap: Double
  /// Solve the LP relaxation (integrality dropped, binaries kept in [0, 1])
  /// with the simplex method instead of branch and bound.
  public var relaxIntegrality: Bool
  /// Let GLPK print its log to standard output as well. Off by default: the
  /// log is captured into ``MILPResult/message`` either way.
  public var printSolverOutput: Bool

  /// Creates options; the defaults ask for a proven optimum with no time limit
  /// and no output.
  public init(
    timeLimit: Double? = nil, relativeGap: Double = 0, relaxIntegrality: Bool = false,
    printSolverOutput: Bool = false
  ) {
    self.timeLimit = timeLimit
    self.relativeGap = relativeGap
    self.relaxIntegrality = relaxIntegrality
    self.printSolverOutput = printSolverOutput
  }
}
