import Admission
import AdmissionMILP
import EdgeSplitModel
import FusedLayer
import Streams
import Surgery
import SurgeryMILP
import Upload
import UploadMILP

/// Every problem family EdgeSplit knows, with its solvers: the one list the loader, the harness
/// and the CLI read. A new family adds one registration line here.
public enum Catalog {
  /// The families and their solvers, in the order tables list them.
  public static let registrations: [FamilyRegistration] = [
    FamilyRegistration(AdmissionFamily.self, solvers: AdmissionExactSolvers.all + AdmissionSolvers.all),
    FamilyRegistration(SurgeryFamily.self, solvers: SurgerySolvers.all + SurgeryExactSolvers.all),
    FamilyRegistration(FusedFamily.self, solvers: FusedSolvers.all),
    FamilyRegistration(UploadFamily.self, solvers: UploadSolvers.all + UploadExactSolvers.all),
    FamilyRegistration(StreamsFamily.self, solvers: StreamsSolvers.all),
  ]

  /// Every family.
  public static let families: [AnyFamily] = registrations.map(\.family)

  /// Every solver of every family.
  public static let solvers: [AnySolver] = registrations.flatMap(\.solvers)

  /// The family whose files say `"problem": name`.
  public static func family(named name: String) -> AnyFamily? { families.first { $0.name == name } }

  /// The solvers whose names match any of `patterns` (`*` and `?` globs); all when empty.
  public static func solvers(matching patterns: [String]) -> [AnySolver] {
    patterns.isEmpty ? solvers : solvers.filter { solver in patterns.contains { glob($0, matches: solver.name) } }
  }
}

/// Shell-style glob with `*` and `?`.
func glob(_ pattern: String, matches text: String) -> Bool {
  let p = Array(pattern), t = Array(text)
  func match(_ i: Int, _ j: Int) -> Bool {
    if i == p.count { return j == t.count }
    if p[i] == "*" { return (j...t.count).contains { match(i + 1, $0) } }
    return j < t.count && (p[i] == "?" || p[i] == t[j]) && match(i + 1, j + 1)
  }
  return match(0, 0)
}
