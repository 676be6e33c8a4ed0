@_exported import Optimization
import Foundation

/// An instance of some problem family: validated on construction and on decoding, named, sized.
public protocol FamilyInstance: Validated where Fields: NamedFields {
  /// The number that drives solver effort (requests, layers, UEs, tasks), for plots of time
  /// against size; ``ProblemFamily/sizeUnit`` names it.
  var size: Int { get }
}

extension FamilyInstance {
  /// The instance's name (a file's stem by default).
  public var name: String { fields.name }

  /// The same instance under another name.
  public func renamed(_ name: String) throws(FieldError) -> Self {
    var fields = fields
    fields.name = name
    return try Self(validating: fields)
  }
}

/// A problem family: its instance and solution types, the direction of its objective, and the
/// one independent evaluator every solution of the family goes through.
///
/// A family is a type (usually a case-less enum) conforming to this protocol; registering it
/// (``FamilyRegistration``) is all the harness, the file loader and the CLI need. Solvers of the
/// family are ``Solver``s over it, so a solution of another family cannot be returned.
public protocol ProblemFamily: Sendable {
  /// What a file of this family holds.
  associatedtype Instance: FamilyInstance
  /// What its solvers return.
  associatedtype Solution: Codable, Sendable, Hashable

  /// The `"problem"` tag of its files (`admission`).
  static var name: String { get }
  /// One line for listings (`P1: delay-aware admission with partitioning and threads`).
  static var title: String { get }
  /// Whether the objective is maximized or minimized.
  static var sense: ObjectiveSense { get }
  /// What ``FamilyInstance/size`` counts (`requests`, `layers`).
  static var sizeUnit: String { get }
  /// What the objective measures, and so how tools print it (`.seconds("makespan")`).
  static var objectiveUnit: ObjectiveUnit { get }
  /// True when every valid instance has a feasible solution and a finite optimum, so an exact
  /// solver that answers "infeasible" or "unbounded" is wrong.
  static var alwaysFeasible: Bool { get }

  /// The independent checker: feasibility and the objective, recomputed from the instance alone.
  static func evaluate(_ solution: Solution, on instance: Instance) -> Verdict
  /// The solution as a plan a person reads (which request goes where, which layers run where).
  static func plan(_ solution: Solution, on instance: Instance) -> String
  /// The solution as a Graphviz `digraph`, the model's layers coloured by where they run.
  static func graph(_ solution: Solution, on instance: Instance) -> String
  /// The plan by layer name, with the cut's bytes and the stage times, for solution files
  /// (`nil`, the default, for families whose plans are not one model split in two).
  static func summary(_ solution: Solution, on instance: Instance) -> PlanSummary?
}

extension ProblemFamily {
  public static var alwaysFeasible: Bool { true }
  public static func summary(_ solution: Solution, on instance: Instance) -> PlanSummary? { nil }
}

// MARK: - Solvers

/// A solver of one family: a name, what it promises, when it applies, and how to run it.
///
/// Every solver of the library is reachable as a value like this one
/// (`AdmissionSolvers.approximation.solve(instance)`) and through its algorithm's own static
/// `solve(_:options:)`; both return a `SolverOutcome`.
public struct Solver<Family: ProblemFamily>: Sendable {
  /// Unique name used in tables and `--solvers` (e.g. `p1-ilp-pruned`).
  public let name: String
  /// How the harness reads its result.
  public let role: SolverRole
  /// One line for listings and reports.
  public let summary: String
  private let skip: @Sendable (Family.Instance) -> String?
  private let body: @Sendable (Family.Instance, SolverOptions) throws -> SolverOutcome<Family.Solution>

  /// - Parameters:
  ///   - name: unique name used in tables and `--solvers`.
  ///   - role: how the harness reads its result.
  ///   - summary: one line for listings and reports.
  ///   - skip: why the solver does not run on an instance (too large for an exact method, the
  ///     other objective), or `nil` when it does.
  ///   - solve: runs it; throwing means it could not run (bad parameters), not infeasibility.
  public init(
    name: String, role: SolverRole, summary: String,
    skip: @escaping @Sendable (Family.Instance) -> String? = { _ in nil },
    solve: @escaping @Sendable (Family.Instance, SolverOptions) throws -> SolverOutcome<Family.Solution>
  ) {
    self.name = name
    self.role = role
    self.summary = summary
    self.skip = skip
    self.body = solve
  }

  /// Why the solver does not run on `instance`, or `nil` when it does.
  public func skipReason(for instance: Family.Instance) -> String? { skip(instance) }

  /// Runs the solver, its clock started (`SolverOptions.startingClock()`) so that its time
  /// limit counts everything it does.
  public func solve(_ instance: Family.Instance, options: SolverOptions = .init()) throws -> SolverOutcome<Family.Solution> {
    try body(instance, options.startingClock())
  }
}

// MARK: - Type erasure for the harness, the loader and the CLI

/// A problem family with its types erased, for lists of families.
public struct AnyFamily: Sendable, Hashable, CustomStringConvertible {
  /// ``ProblemFamily/name``.
  public let name: String
  /// ``ProblemFamily/title``.
  public let title: String
  /// ``ProblemFamily/sense``.
  public let sense: ObjectiveSense
  /// ``ProblemFamily/sizeUnit``.
  public let sizeUnit: String
  /// ``ProblemFamily/objectiveUnit``.
  public let objectiveUnit: ObjectiveUnit
  /// ``ProblemFamily/alwaysFeasible``.
  public let alwaysFeasible: Bool
  private let type: ObjectIdentifier
  let decodeInstance: @Sendable (any Decoder) throws -> AnyInstance

  public init<F: ProblemFamily>(_ family: F.Type) {
    name = F.name
    title = F.title
    sense = F.sense
    sizeUnit = F.sizeUnit
    objectiveUnit = F.objectiveUnit
    alwaysFeasible = F.alwaysFeasible
    type = ObjectIdentifier(family)
    decodeInstance = { decoder in AnyInstance(F.self, try F.Instance(from: decoder)) }
  }

  public static func == (a: Self, b: Self) -> Bool { a.type == b.type }
  public func hash(into hasher: inout Hasher) { hasher.combine(type) }
  public var description: String { name }
}

/// An instance of some family, for lists that mix families. Two are equal when they are the
/// same instance of the same family.
public struct AnyInstance: Sendable, Hashable {
  /// Its family.
  public let family: AnyFamily
  /// ``FamilyInstance/name``.
  public let name: String
  /// ``FamilyInstance/size``.
  public let size: Int
  private let body: any FamilyInstance
  private let rename: @Sendable (String) throws(FieldError) -> AnyInstance

  public init<F: ProblemFamily>(_ family: F.Type, _ instance: F.Instance) {
    self.family = AnyFamily(family)
    name = instance.name
    size = instance.size
    body = instance
    rename = { (name: String) throws(FieldError) in AnyInstance(F.self, try instance.renamed(name)) }
  }

  /// The instance as `family`'s own type, or `nil` when it belongs to another family.
  public func typed<F: ProblemFamily>(as family: F.Type) -> F.Instance? { body as? F.Instance }

  /// The same instance under another name.
  public func renamed(_ name: String) throws(FieldError) -> AnyInstance { try rename(name) }

  /// The instance as its own `Encodable` value (the file body without the header).
  var encodable: any Encodable { body }

  public static func == (a: Self, b: Self) -> Bool { AnyHashable(a.body) == AnyHashable(b.body) }
  public func hash(into hasher: inout Hasher) { hasher.combine(AnyHashable(body)) }
}

/// A solution together with the instance it solves, with its family's type erased. Only
/// generic code creates one, from a ``Solver`` of the instance's own family.
public struct AnySolution: Sendable {
  /// The family of the instance and the solution.
  public let family: AnyFamily
  private let value: any Sendable & Encodable
  private let check: @Sendable () -> Verdict
  private let render: @Sendable () -> String
  private let draw: @Sendable () -> String
  private let summarize: @Sendable () -> PlanSummary?

  public init<F: ProblemFamily>(_ family: F.Type, _ solution: F.Solution, on instance: F.Instance) {
    self.family = AnyFamily(family)
    value = solution
    check = { F.evaluate(solution, on: instance) }
    render = { F.plan(solution, on: instance) }
    draw = { F.graph(solution, on: instance) }
    summarize = { F.summary(solution, on: instance) }
  }

  /// The family's evaluator on this solution.
  public func evaluate() -> Verdict { check() }
  /// ``ProblemFamily/plan(_:on:)``.
  public func plan() -> String { render() }
  /// ``ProblemFamily/graph(_:on:)``.
  public func graph() -> String { draw() }
  /// ``ProblemFamily/summary(_:on:)``.
  public func summary() -> PlanSummary? { summarize() }
  /// The solution as its own `Encodable` value.
  public var encodable: any Encodable { value }
  /// The solution as `family`'s own type, or `nil` when it belongs to another family.
  public func typed<F: ProblemFamily>(as family: F.Type) -> F.Solution? { value as? F.Solution }
}

/// A solver with its family's type erased, for the harness.
public struct AnySolver: Sendable {
  /// The family it solves.
  public let family: AnyFamily
  /// ``Solver/name``.
  public let name: String
  /// ``Solver/role``.
  public let role: SolverRole
  /// ``Solver/summary``.
  public let summary: String
  private let skip: @Sendable (AnyInstance) -> String?
  private let run: @Sendable (AnyInstance, SolverOptions) throws -> SolverOutcome<AnySolution>

  public init<F: ProblemFamily>(_ solver: Solver<F>) {
    let family = AnyFamily(F.self)
    self.family = family
    name = solver.name
    role = solver.role
    summary = solver.summary
    skip = { instance in
      guard let typed = instance.typed(as: F.self) else { return "solves \(F.name), not \(instance.family.name)" }
      return solver.skipReason(for: typed)
    }
    run = { instance, options in
      guard let typed = instance.typed(as: F.self) else { throw WrongFamily(solver: solver.name, instance: instance) }
      return try solver.solve(typed, options: options).map { AnySolution(F.self, $0, on: typed) }
    }
  }

  /// Why the solver does not run on `instance` (another family, too large, ...), or `nil`.
  public func skipReason(for instance: AnyInstance) -> String? { skip(instance) }

  /// Runs the solver; throws when it could not run, or `instance` is of another family.
  public func solve(_ instance: AnyInstance, options: SolverOptions = .init()) throws -> SolverOutcome<AnySolution> {
    try run(instance, options)
  }
}

/// Thrown by ``AnySolver/solve(_:options:)`` given an instance of another family.
public struct WrongFamily: Error, CustomStringConvertible {
  public let solver: String
  public let instance: AnyInstance
  public var description: String { "solver \(solver) does not solve \(instance.family.name) instances" }
}

/// A family and its solvers, as the harness and the CLI know them: adding a family to
/// EdgeSplit is one module plus one of these in the catalog.
///
/// The solvers are listed for a MILP backend, so that the exact ones are built for whichever
/// backend the catalog's owner picked; heuristics ignore it.
public struct FamilyRegistration: Sendable {
  /// The family.
  public let family: AnyFamily
  private let list: @Sendable (any MILPSolver) -> [AnySolver]
  private let formulation: (@Sendable (AnyInstance) -> MILP?)?
  private let shippedSet: @Sendable () throws -> [(path: String, instance: AnyInstance)]
  /// How the family trains its learned online policy, if it has one (`solverbench train`).
  public let training: PolicyTraining?

  /// - Parameters:
  ///   - family: the family registered.
  ///   - ilp: the family's integer program of an instance, when it has one, for tools that
  ///     export it to other solvers (`solverbench export-ilp`).
  ///   - shipped: the family's instances shipped under `instances/`, each with its path there
  ///     (`solverbench generate` writes them; a test checks the files are what it writes).
  ///   - training: how the family trains its learned online policy, if it has one.
  ///   - solvers: the family's solvers in the order tables list them, exact ones solving with
  ///     the backend given.
  public init<F: ProblemFamily>(
    _ family: F.Type, ilp: (@Sendable (F.Instance) -> MILP)? = nil,
    shipped: @escaping @Sendable () throws -> [(path: String, instance: F.Instance)] = { [] },
    training: PolicyTraining? = nil,
    solvers: @escaping @Sendable (any MILPSolver) -> [Solver<F>]
  ) {
    self.family = AnyFamily(family)
    self.training = training
    list = { backend in solvers(backend).map(AnySolver.init) }
    shippedSet = { try shipped().map { ($0.path, AnyInstance(F.self, $0.instance)) } }
    if let ilp {
      formulation = { (instance: AnyInstance) -> MILP? in instance.typed(as: F.self).map(ilp) }
    } else {
      formulation = nil
    }
  }

  /// The family's solvers, exact ones solving with `backend`.
  public func solvers(backend: any MILPSolver) -> [AnySolver] { list(backend) }

  /// The family's shipped instances with their paths under `instances/`.
  public func shippedInstances() throws -> [(path: String, instance: AnyInstance)] { try shippedSet() }

  /// Whether the family has an integer program to export.
  public var hasILP: Bool { formulation != nil }

  /// The family's integer program of `instance`, or `nil` when the family has none or the
  /// instance is of another family.
  public func ilp(of instance: AnyInstance) -> MILP? { formulation?(instance) }
}

/// What a family's objective measures, so that tools print it in one unit with the unit stated:
/// seconds are shown as milliseconds (the unit of every plan), other quantities as they are.
public struct ObjectiveUnit: Sendable, Hashable, CustomStringConvertible {
  /// Whether the objective is a time in seconds.
  public let isSeconds: Bool
  /// What is measured, in words (`sum of UE completion times`, `weight admitted`).
  public let description: String

  /// A time in seconds; `what` says which (`sum of UE completion times`).
  public static func seconds(_ what: String) -> ObjectiveUnit { ObjectiveUnit(isSeconds: true, description: "seconds (\(what))") }
  /// Any other quantity, named in words.
  public static func quantity(_ words: String) -> ObjectiveUnit { ObjectiveUnit(isSeconds: false, description: words) }

  /// `value` as tables and plans show it: `94.42 ms` for seconds, `314` or `%.4g` otherwise.
  public func format(_ value: Double) -> String {
    isSeconds ? String(format: "%.4g ms", value * 1000) : compactNumber(value)
  }
}
