import Foundation

/// Solution files (`"format": "edgesplit-solution/1"`), written by `solverbench solve --format json`
/// and `solverbench run --solutions DIR`, and read back by ``SolutionIO/decode(_:_:)``.
///
/// A file is one JSON object:
///
///     {
///       "format": "edgesplit-solution/1",
///       "problem": "admission",          // the family, as in instance files
///       "instance": "small-01",          // the instance's name
///       "solver": "p1-ilp-pruned",
///       "status": "optimal",             // the solver's termination
///       "objective": 6,                  // recomputed by the family's evaluator (null: none)
///       "claimedObjective": 6,           // the solver's own value (null: none)
///       "bound": 6,                      // proven bound on the optimum (null: none)
///       "feasible": true,
///       "violations": [],
///       "plan": { ... },                 // layer names, cut and stage times (PlanSummary; P2 only, else absent)
///       "solution": { ... }              // the family's solution type (see the README)
///     }
public enum SolutionIO {
  /// The format tag this version reads and writes.
  public static let format = "edgesplit-solution/1"

  /// The header fields of a solution file.
  public struct Header: Codable, Sendable, Hashable {
    public var format: String
    public var problem: String
    public var instance: String
    public var solver: String
    public var status: String
    public var objective: Double?
    public var claimedObjective: Double?
    public var bound: Double?
    public var feasible: Bool
    public var violations: [String]
  }

  /// The JSON file of `outcome` (whose solution, if any, is checked by its evaluator) for `instance`.
  public static func encode(_ outcome: SolverOutcome<AnySolution>, of solver: String, on instance: AnyInstance) throws -> Data {
    let verdict = outcome.solution?.evaluate()
    let header = Header(
      format: format, problem: instance.family.name, instance: instance.name, solver: solver,
      status: "\(outcome.termination)", objective: verdict.flatMap { $0.isFeasible && $0.objective.isFinite ? $0.objective : nil },
      claimedObjective: outcome.objective.flatMap { $0.isFinite ? $0 : nil }, bound: outcome.bound.flatMap { $0.isFinite ? $0 : nil },
      feasible: verdict?.isFeasible ?? false, violations: verdict?.violations ?? [])
    return try InstanceIO.encoder.encode(Document(header: header, plan: outcome.solution?.summary(), solution: outcome.solution?.encodable))
  }

  /// Reads a solution file of `family`: its header and the typed solution (`nil` when the solver found none).
  public static func decode<F: ProblemFamily>(_ family: F.Type, _ data: Data) throws -> (header: Header, solution: F.Solution?) {
    let header = try JSONDecoder().decode(Header.self, from: data)
    guard header.format == format else {
      throw FieldError("format", "unsupported format '\(header.format)', expected '\(format)'")
    }
    guard header.problem == F.name else { throw FieldError("problem", "is a solution of '\(header.problem)', not '\(F.name)'") }
    return (header, try JSONDecoder().decode(Body<F.Solution>.self, from: data).solution)
  }

  private struct Body<Solution: Decodable>: Decodable { var solution: Solution? }

  private struct Document: Encodable {
    var header: Header
    var plan: PlanSummary?
    var solution: (any Encodable)?
    private enum CodingKeys: String, CodingKey { case plan, solution }
    func encode(to encoder: any Encoder) throws {
      try header.encode(to: encoder)
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encodeIfPresent(plan, forKey: .plan)
      if let solution { try c.encode(solution, forKey: .solution) } else { try c.encodeNil(forKey: .solution) }
    }
  }
}
