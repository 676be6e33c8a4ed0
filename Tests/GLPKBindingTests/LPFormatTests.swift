import Optimization
import Testing

/// `MILP.lpFormat`: the CPLEX LP text other solvers read (`solverbench export-ilp`). Checked
/// line by line on a program with every kind of row, bound and variable. Outside the suite,
/// HiGHS 1.16 (highspy) read the exported P1 programs of the 20 shipped admission instances
/// with a proven optimum and found the same optima.
@Suite struct LPFormatTests {
  @Test func everyRowBoundAndKindIsWritten() {
    var program = MILP(sense: .maximize, objectiveConstant: -2.5)
    let x = program.addVariable(name: "x", upperBound: 4, kind: .integer, objective: 3)
    let y = program.addVariable(name: "y", lowerBound: nil, objective: -0.5)
    let z = program.addVariable(name: "z", kind: .binary, objective: 1)
    let fixed = program.addVariable(name: "fixed", lowerBound: 1, upperBound: 1, kind: .binary)
    program.addConstraint(name: "range", terms: [.init(variable: x, coefficient: 1), .init(variable: y, coefficient: -2)],
                          lowerBound: -1, upperBound: 6)
    program.addConstraint(name: "equal", terms: [.init(variable: z, coefficient: 1), .init(variable: fixed, coefficient: 1)],
                          lowerBound: 1, upperBound: 1)
    program.addConstraint(name: "free", terms: [.init(variable: x, coefficient: 1)])
    program.addConstraint(name: "cover", terms: [.init(variable: y, coefficient: 0.25)], lowerBound: 0)
    #expect(program.lpFormat.split(separator: "\n") == [
      "\\ EdgeSplit MILP: 4 variables, 4 constraints",
      "\\ objective constant (not written below): -2.5",
      "Maximize",
      " obj: 3 x - 0.5 y + 1 z",
      "Subject To",
      " range_lo: 1 x - 2 y >= -1",
      " range_hi: 1 x - 2 y <= 6",
      " equal: 1 z + 1 fixed = 1",
      " cover: 0.25 y >= 0",
      "Bounds",
      " 0 <= x <= 4",
      " -inf <= y <= +inf",
      " 1 <= fixed <= 1",
      "General",
      " x",
      "Binary",
      " z",
      " fixed",
      "End",
    ])
  }

  @Test func namesThatAreNotLPIdentifiersAreReplaced() {
    var program = MILP()
    program.addVariable(name: "a b", objective: 1)
    program.addVariable(name: "", objective: 1)
    program.addConstraint(name: "3rows", terms: [.init(variable: 0, coefficient: 1)], upperBound: 1)
    let text = program.lpFormat
    #expect(text.contains(" obj: 1 x0 + 1 x1\n") && text.contains(" c0: 1 x0 <= 1\n"))
  }
}
