import EdgeSplitModel
import GLPKBinding

/// The exact P2 baseline for both objectives: an integer program solved by GLPK, meant for
/// small models (it cross-checks ``DSL`` and measures ``DSH``'s true ratio).
///
/// Variables: `x_v ∈ {0, 1}` (layer `v` on the device), `y_u ∈ {0, 1}` (the output of `u` is
/// sent) for every layer with readers, `y_in` (the model input is sent). Constraints, for every
/// data arc `u → v`: `x_v ≤ x_u` (predecessor-closed) and `y_u ≥ x_u − x_v`; for every layer `r`
/// reading the model input: `y_in ≥ 1 − x_r`. With `Te = Σ te_v x_v`, `Tc = Σ tc_v (1 − x_v)`,
/// `Tt = Σ tt_u y_u + tt_in y_in`, latency minimizes `Te + Tt + Tc`; throughput minimizes `z`
/// subject to `z ≥ Te`, `z ≥ Tt`, `z ≥ Tc`. Times enter GLPK in milliseconds so that its absolute
/// tolerances stay far below the values; results are reported in seconds.
public enum SurgeryILP {
  /// Solves `instance` for its own objective, with `options.backend` or GLPK.
  public static func solve(
    _ instance: SurgeryInstance, options: SolverOptions = .init()
  ) throws(MILPValidationError) -> SolverOutcome<Partition> {
    let model = instance.model
    let milliseconds = 1000.0
    let te = model.layers.map { milliseconds * instance.deviceSeconds(flops: $0.flops) }
    let tc = model.layers.map { milliseconds * instance.serverSeconds(flops: $0.flops) }
    let latency = instance.objective == .latency
    var program = MILP(sense: .minimize, objectiveConstant: latency ? tc.reduce(0, +) : 0)
    let x = model.layers.indices.map { v in
      program.addVariable(name: "x\(v)", lowerBound: 0, upperBound: 1, kind: .binary,
                          objective: latency ? te[v] - tc[v] : 0)
    }
    var transferTerms: [MILP.Term] = []
    func sendIndicator(_ name: String, bytes: Double) -> Int {
      let seconds = milliseconds * instance.transferSeconds(bytes: bytes)
      let y = program.addVariable(name: name, lowerBound: 0, upperBound: 1, kind: .binary, objective: latency ? seconds : 0)
      transferTerms.append(MILP.Term(variable: y, coefficient: seconds))
      return y
    }
    let sendInput = sendIndicator("yin", bytes: model.inputBytes)
    for u in model.layers.indices {
      if model.predecessors[u].isEmpty {
        program.addConstraint(terms: [.init(variable: sendInput, coefficient: 1), .init(variable: x[u], coefficient: 1)],
                              lowerBound: 1)
      }
      guard !model.successors[u].isEmpty else { continue }
      let sendOutput = sendIndicator("y\(u)", bytes: model.layers[u].outputBytes)
      for v in model.successors[u] {
        program.addConstraint(terms: [.init(variable: x[v], coefficient: 1), .init(variable: x[u], coefficient: -1)],
                              upperBound: 0)
        program.addConstraint(terms: [.init(variable: sendOutput, coefficient: 1), .init(variable: x[u], coefficient: -1),
                                      .init(variable: x[v], coefficient: 1)], lowerBound: 0)
      }
    }
    if !latency {
      let z = program.addVariable(name: "z", lowerBound: 0, objective: 1)
      let zTerm = MILP.Term(variable: z, coefficient: 1)
      program.addConstraint(name: "device", terms: [zTerm] + x.indices.map { .init(variable: x[$0], coefficient: -te[$0]) },
                            lowerBound: 0)
      program.addConstraint(name: "network", terms: [zTerm] + transferTerms.map { .init(variable: $0.variable, coefficient: -$0.coefficient) },
                            lowerBound: 0)
      program.addConstraint(name: "server", terms: [zTerm] + x.indices.map { .init(variable: x[$0], coefficient: tc[$0]) },
                            lowerBound: tc.reduce(0, +))
    }
    let result = try (options.backend ?? GLPKSolver()).solve(program, options: options.milpOptions)
    let partition = result.values.map { values in Partition(onDevice: x.map { values[$0] > 0.5 }) }
    return SolverOutcome(result, solution: partition, unit: milliseconds, model: program)
  }
}
