/// A mixed-integer linear program, built from plain Swift values.
///
/// The model is a value: build it, copy it, send it across tasks, encode it as JSON (for other
/// solvers: `Benchmarks/scripts/highs_peer.py` reads that form). Nothing in it
/// touches a solver until a backend's ``MILPSolver/solve(_:options:)``.
///
/// ```swift
/// var model = MILP(sense: .maximize)
/// let x = model.addVariable(name: "x", kind: .binary, objective: 5)
/// let y = model.addVariable(name: "y", kind: .binary, objective: 4)
/// model.addConstraint(name: "weight", terms: [.init(variable: x, coefficient: 3),
///                                             .init(variable: y, coefficient: 2)],
///                     upperBound: 4)
/// ```
public struct MILP: Sendable, Hashable, Codable {
  /// Whether the objective is minimized or maximized.
  /// The domain of a variable besides its bounds.
  public enum VariableKind: String, Sendable, Hashable, Codable {
    /// Any real value within the bounds.
    case continuous
    /// An integral value within the bounds. Bounds must themselves be integral.
    case integer
    /// An integral value in [0, 1]; a `nil` bound means 0 (lower) or 1 (upper).
    case binary
  }

  /// One decision variable (a column).
  public struct Variable: Sendable, Hashable, Codable {
    /// A label used in error messages and passed to the backend; at most 255 UTF-8
    /// bytes, no control characters. May be empty.
    public var name: String
    /// The smallest allowed value, or `nil` for no lower bound.
    public var lowerBound: Double?
    /// The largest allowed value, or `nil` for no upper bound.
    public var upperBound: Double?
    /// Continuous, integer or binary.
    public var kind: VariableKind
    /// The variable's coefficient in the objective.
    public var objective: Double

    /// Creates a variable; by default a nonnegative continuous one that does
    /// not appear in the objective.
    public init(
      name: String = "", lowerBound: Double? = 0, upperBound: Double? = nil,
      kind: VariableKind = .continuous, objective: Double = 0
    ) {
      self.name = name
      self.lowerBound = lowerBound
      self.upperBound = upperBound
      self.kind = kind
      self.objective = objective
    }
  }

  /// A coefficient applied to one variable inside a constraint.
  public struct Term: Sendable, Hashable, Codable {
    /// The index of the variable in ``MILP/variables``.
    public var variable: Int
    /// The coefficient multiplying the variable.
    public var coefficient: Double

    /// Creates the term `coefficient * variables[variable]`.
    public init(variable: Int, coefficient: Double) {
      self.variable = variable
      self.coefficient = coefficient
    }
  }

  /// A linear constraint `lowerBound <= sum of terms <= upperBound` (a row).
  ///
  /// Terms naming the same variable more than once are summed.
  public struct Constraint: Sendable, Hashable, Codable {
    /// A label used in error messages and passed to the backend; same rules as
    /// ``Variable/name``.
    public var name: String
    /// The linear expression, as (variable, coefficient) pairs.
    public var terms: [Term]
    /// The smallest allowed value of the expression, or `nil` for none.
    public var lowerBound: Double?
    /// The largest allowed value of the expression, or `nil` for none.
    public var upperBound: Double?

    /// Creates a constraint; an equality when both bounds are equal.
    public init(name: String = "", terms: [Term], lowerBound: Double? = nil, upperBound: Double? = nil) {
      self.name = name
      self.terms = terms
      self.lowerBound = lowerBound
      self.upperBound = upperBound
    }
  }

  /// Whether to minimize or maximize.
  public var sense: ObjectiveSense
  /// The variables; a ``Term`` refers to one by its index here.
  public var variables: [Variable]
  /// The constraints.
  public var constraints: [Constraint]
  /// A constant added to the objective (and to every reported bound).
  public var objectiveConstant: Double

  /// Creates a model, empty unless variables and constraints are given.
  public init(
    sense: ObjectiveSense = .minimize, variables: [Variable] = [], constraints: [Constraint] = [],
    objectiveConstant: Double = 0
  ) {
    self.sense = sense
    self.variables = variables
    self.constraints = constraints
    self.objectiveConstant = objectiveConstant
  }

  /// Appends a variable and returns its index, for use in ``Term``s.
  @discardableResult
  public mutating func addVariable(
    name: String = "", lowerBound: Double? = 0, upperBound: Double? = nil,
    kind: VariableKind = .continuous, objective: Double = 0
  ) -> Int {
    variables.append(
      Variable(name: name, lowerBound: lowerBound, upperBound: upperBound, kind: kind, objective: objective))
    return variables.count - 1
  }

  /// Appends the constraint `lowerBound <= sum of terms <= upperBound` and
  /// returns its index.
  @discardableResult
  public mutating func addConstraint(
    name: String = "", terms: [Term], lowerBound: Double? = nil, upperBound: Double? = nil
  ) -> Int {
    constraints.append(Constraint(name: name, terms: terms, lowerBound: lowerBound, upperBound: upperBound))
    return constraints.count - 1
  }
}
