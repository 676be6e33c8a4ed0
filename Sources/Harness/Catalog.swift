import Admission
import AdmissionMILP
import EdgeSplitModel
import FusedLayer
import OnlineAdmission
import OnlineAdmissionMILP
import Streams
import Surgery
import SurgeryMILP
import Upload
import UploadMILP

/// Every problem family EdgeSplit knows, with its solvers, its ILP and its policy training (where
/// it has them) and its shipped instances: the one list the loader, the harness, the generator and
/// the CLI read. A new family
/// adds one registration to ``registrations``.
///
/// A catalog value is built for one MILP backend, and this is the one place that picks it: the
/// exact solvers it lists solve with that backend. The harness links no backend itself, so a
/// program that builds `Catalog(backend: CBCSolver())` links no GPL code.
public struct Catalog: Sendable {
  /// The families and their solvers, in the order tables list them.
  public static let registrations: [FamilyRegistration] = [
    FamilyRegistration(AdmissionFamily.self, ilp: { AdmissionILP.model(AdmissionTable($0)) }, shipped: ShippedInstances.admission) {
      AdmissionExactSolvers.all(backend: $0) + AdmissionSolvers.all
    },
    FamilyRegistration(SurgeryFamily.self, ilp: SurgeryILP.model, shipped: ShippedInstances.surgery) {
      SurgerySolvers.all + SurgeryExactSolvers.all(backend: $0)
    },
    FamilyRegistration(FusedFamily.self, shipped: { ShippedInstances.files(try ShippedInstances.fused(), in: "fused") }) { _ in
      FusedSolvers.all
    },
    FamilyRegistration(UploadFamily.self, shipped: { ShippedInstances.files(try ShippedInstances.upload(), in: "upload") }) {
      UploadSolvers.all + UploadExactSolvers.all(backend: $0)
    },
    FamilyRegistration(StreamsFamily.self, shipped: { ShippedInstances.files(try StreamsGenerator.shipped(), in: "streams") },
                       training: StreamsTraining.policyTraining) { _ in StreamsSolvers.all },
    FamilyRegistration(OnlineAdmissionFamily.self, ilp: OnlineAdmissionILP.model, shipped: { ShippedInstances.files(try OnlineAdmissionGenerator.shipped(), in: "online-admission") }) {
      OnlineAdmissionExactSolvers.all(backend: $0) + OnlineAdmissionSolvers.all
    },
  ]

  /// Every family.
  public static let families: [AnyFamily] = registrations.map(\.family)

  /// Every solver's name in table order, the same for every backend (plots colour solvers by it).
  public static let solverNames: [String] = Catalog(backend: NamesOnly()).solvers.map(\.name)

  /// The family whose files say `"problem": name`.
  public static func family(named name: String) -> AnyFamily? { families.first { $0.name == name } }

  /// The backend the exact solvers use.
  public let backend: any MILPSolver
  /// Every solver of every family, in table order.
  public let solvers: [AnySolver]

  /// The catalog whose exact solvers solve with `backend`.
  public init(backend: any MILPSolver) {
    self.backend = backend
    solvers = Self.registrations.flatMap { $0.solvers(backend: backend) }
  }

  /// The solvers whose names match any of `patterns` (`*` and `?` globs); all when empty.
  public func solvers(matching patterns: [String]) -> [AnySolver] {
    patterns.isEmpty ? solvers : solvers.filter { solver in patterns.contains { glob($0, matches: solver.name) } }
  }
}

/// A backend that only lets solver lists be built, for ``Catalog/solverNames``: it solves nothing.
private struct NamesOnly: MILPSolver {
  var id: BackendID { BackendID(rawValue: "none") }
  func solve(_ model: MILP, options: MILPOptions) throws(MILPValidationError) -> MILPResult {
    MILPResult(termination: .error("no MILP backend: this catalog only lists solvers"), bounds: ObjectiveBounds(primal: nil, dual: nil),
               values: nil, solveSeconds: 0, message: "")
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
