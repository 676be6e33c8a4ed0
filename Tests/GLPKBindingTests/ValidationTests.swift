import GLPKBinding
import Testing

/// A model or option that must be rejected before GLPK sees it.
struct BadInput: Sendable, CustomTestStringConvertible {
  var testDescription: String
  var model: MILP
  var options = MILPOptions()
  var kind: MILPValidationError.Kind
  /// Text the message must contain (it should name the culprit).
  var mentions: String

  /// Starts from a valid two-variable model and breaks it with `edit`.
  init(
    _ description: String, _ kind: MILPValidationError.Kind, mentions: String,
    options: MILPOptions = MILPOptions(), edit: (inout MILP) -> Void = { _ in }
  ) {
    var model = MILP()
    model.addVariable(name: "x", upperBound: 4, objective: 1)
    model.addVariable(name: "n", upperBound: 4, kind: .integer, objective: 1)
    model.addConstraint(name: "row", terms: [term(0, 1), term(1, 1)], lowerBound: 1)
    edit(&model)
    self.testDescription = description
    self.model = model
    self.options = options
    self.kind = kind
    self.mentions = mentions
  }

  static let all: [BadInput] = [
    BadInput("term index past the end", .variableIndexOutOfRange, mentions: "constraint 0 \"row\"") {
      $0.constraints[0].terms.append(term(2, 1))
    },
    BadInput("negative term index", .variableIndexOutOfRange, mentions: "variable -1") {
      $0.constraints[0].terms.append(term(-1, 1))
    },
    BadInput("NaN coefficient", .nonFiniteNumber, mentions: "constraint 0 \"row\"") {
      $0.constraints[0].terms[0].coefficient = .nan
    },
    BadInput("coefficients summing to infinity", .nonFiniteNumber, mentions: "variable 0 \"x\"") {
      $0.constraints[0].terms += [term(0, .greatestFiniteMagnitude), term(0, .greatestFiniteMagnitude)]
    },
    BadInput("infinite objective", .nonFiniteNumber, mentions: "variable 1 \"n\"") {
      $0.variables[1].objective = .infinity
    },
    BadInput("infinite bound instead of nil", .nonFiniteNumber, mentions: "variable 0 \"x\"") {
      $0.variables[0].upperBound = .infinity
    },
    BadInput("NaN constraint bound", .nonFiniteNumber, mentions: "constraint 0 \"row\"") {
      $0.constraints[0].upperBound = .nan
    },
    BadInput("NaN objective constant", .nonFiniteNumber, mentions: "objective constant") {
      $0.objectiveConstant = .nan
    },
    BadInput("variable lb > ub", .inconsistentBounds, mentions: "variable 0 \"x\"") {
      $0.variables[0].lowerBound = 5
    },
    BadInput("constraint lb > ub", .inconsistentBounds, mentions: "constraint 0 \"row\"") {
      $0.constraints[0].upperBound = 0
    },
    BadInput("name of 256 bytes", .invalidName, mentions: "variable 0") {
      $0.variables[0].name = String(repeating: "é", count: 128)  // 2 bytes each
    },
    BadInput("control character in name", .invalidName, mentions: "constraint 0") {
      $0.constraints[0].name = "row\n1"
    },
    BadInput("fractional integer bound", .fractionalIntegerBound, mentions: "variable 1 \"n\"") {
      $0.variables[1].upperBound = 0.9999999
    },
    BadInput("fractional binary bound", .fractionalIntegerBound, mentions: "variable 2 \"b\"") {
      $0.addVariable(name: "b", lowerBound: 0.5, kind: .binary)
    },
    BadInput("binary bound above one", .binaryBoundOutOfRange, mentions: "variable 2 \"b\"") {
      $0.addVariable(name: "b", upperBound: 2, kind: .binary)
    },
    BadInput("binary bound below zero", .binaryBoundOutOfRange, mentions: "variable 2") {
      $0.addVariable(lowerBound: -1, kind: .binary)
    },
    BadInput("zero time limit", .invalidOption, mentions: "timeLimit", options: MILPOptions(timeLimit: 0)),
    BadInput("negative time limit", .invalidOption, mentions: "timeLimit", options: MILPOptions(timeLimit: -1)),
    BadInput("infinite time limit", .invalidOption, mentions: "timeLimit", options: MILPOptions(timeLimit: .infinity)),
    BadInput("NaN time limit", .invalidOption, mentions: "timeLimit", options: MILPOptions(timeLimit: .nan)),
    BadInput("negative gap", .invalidOption, mentions: "relativeGap", options: MILPOptions(relativeGap: -0.1)),
    BadInput("NaN gap", .invalidOption, mentions: "relativeGap", options: MILPOptions(relativeGap: .nan)),
  ]
}

@Suite("Validation") struct ValidationTests {
  @Test func theUnbrokenBaseModelSolves() throws {
    let base = BadInput("base", .invalidOption, mentions: "")
    #expect(try GLPKSolver.solve(base.model).termination == .optimal)
  }

  @Test(arguments: BadInput.all) func rejectsBeforeCallingGLPK(_ input: BadInput) {
    #expect {
      _ = try GLPKSolver.solve(input.model, options: input.options)
    } throws: { error in
      guard let error = error as? MILPValidationError else { return false }
      return error.kind == input.kind && error.message.contains(input.mentions)
    }
  }

  @Test func acceptedEdgeCases() throws {
    var model = MILP(sense: .maximize)
    let x = model.addVariable(name: String(repeating: "a", count: 255), lowerBound: nil, upperBound: 3, objective: 1)
    let b = model.addVariable(name: "fixed binary", lowerBound: 1, kind: .binary, objective: 1)
    let n = model.addVariable(lowerBound: -3, upperBound: -3, kind: .integer)
    model.addConstraint(name: "ünïcode ok", terms: [term(x, 1), term(n, 1)], upperBound: 10)
    // A tiny limit is rounded up to 1 ms; a huge one is capped rather than overflowing.
    for limit in [1e-9, 1e300] {
      let result = try GLPKSolver.solve(model, options: MILPOptions(timeLimit: limit))
      #expect(result.termination == .optimal)
      #expect(result.values == [3, 1, -3])
      _ = b
    }
  }
}
