/// A model or option that a backend would reject (GLPK often by aborting the process),
/// caught in Swift before any solver call.
public struct MILPValidationError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The rule that was broken.
  public enum Kind: Sendable, Hashable {
    /// A ``MILP/Term`` names a variable index outside ``MILP/variables``.
    case variableIndexOutOfRange
    /// A coefficient, objective, bound or constant is NaN or infinite (use
    /// `nil` for a missing bound).
    case nonFiniteNumber
    /// A lower bound exceeds its upper bound.
    case inconsistentBounds
    /// A name is longer than 255 UTF-8 bytes or contains a control character.
    case invalidName
    /// An integer or binary variable has a fractional bound. Rejected, not
    /// rounded: rounding 0.9999999 down to 0 would silently change the model.
    case fractionalIntegerBound
    /// A binary variable has a bound outside [0, 1].
    case binaryBoundOutOfRange
    /// The model exceeds GLPK's size limits (10⁸ rows or columns, 5·10⁸ nonzeros).
    case modelTooLarge
    /// A ``MILPOptions`` value is out of range.
    case invalidOption
  }

  /// The rule that was broken.
  public var kind: Kind
  /// What is wrong, naming the variable or constraint by index and name.
  public var message: String

  /// Creates an error.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  /// The ``message``.
  public var description: String { message }
}
