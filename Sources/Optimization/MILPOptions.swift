/// How a ``MILPSolver`` backend should run.
public struct MILPOptions: Sendable, Hashable {
  /// Cut generators a backend may run at the nodes of its branch-and-cut search.
  ///
  /// GLPK runs exactly the generators in the set (its default is none). CBC decides its own cut
  /// loop (Gomory, MIR, knapsack cover, clique, probing, ... at its defaults) and ignores the set.
  public struct CutGenerators: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    /// Creates a set from its bits.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Gomory mixed-integer cuts (GLPK `gmi_cuts`).
    public static let gomory = CutGenerators(rawValue: 1 << 0)
    /// Mixed-integer rounding cuts (GLPK `mir_cuts`).
    public static let mixedIntegerRounding = CutGenerators(rawValue: 1 << 1)
    /// Lifted knapsack cover cuts (GLPK `cov_cuts`).
    public static let cover = CutGenerators(rawValue: 1 << 2)
    /// Clique cuts from the conflict graph (GLPK `clq_cuts`).
    public static let clique = CutGenerators(rawValue: 1 << 3)
    /// Every generator above.
    public static let all: CutGenerators = [.gomory, .mixedIntegerRounding, .cover, .clique]
  }

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
  /// Let the backend print its log to standard output as well. Off by default: GLPK's
  /// log is captured into ``MILPResult/message`` either way.
  public var printSolverOutput: Bool
  /// Cut generators to run (GLPK); none by default.
  public var cutGenerators: CutGenerators
  /// A feasible solution (one value per variable) handed to the backend as its first
  /// incumbent: GLPK receives it through `glp_ios_heur_sol` at the root, CBC as a MIP start.
  /// Validation rejects a start that is not feasible (bounds, integrality, every row, within
  /// 10⁻⁶), since backends accept it unchecked. Ignored when ``relaxIntegrality`` is set.
  public var initialSolution: [Double]?

  /// Creates options; the defaults ask for a proven optimum with no time limit,
  /// no output, no cuts and no start.
  public init(
    timeLimit: Double? = nil, relativeGap: Double = 0, relaxIntegrality: Bool = false,
    printSolverOutput: Bool = false, cutGenerators: CutGenerators = [], initialSolution: [Double]? = nil
  ) {
    self.timeLimit = timeLimit
    self.relativeGap = relativeGap
    self.relaxIntegrality = relaxIntegrality
    self.printSolverOutput = printSolverOutput
    self.cutGenerators = cutGenerators
    self.initialSolution = initialSolution
  }
}
