import Surgery
import EdgeSplitModel

/// The exact P2 baseline for both objectives: an integer program solved by GLPK, meant for
/// small models (it cross-checks `DSL` and measures `DSH`'s true ratio).
///
/// Variables: `x_v ∈ {0, 1}` (layer `v` on the device), `y_u ∈ {0, 1}` (the output of `u` is
/// sent) for every layer with readers, `y_in` (the model input is sent). Constraints, for every
/// data arc `u → v`: `x_v ≤ x_u` (predecessor-closed) and `y_u ≥ x_u − x_v`; for every layer `r`
/// reading the model input: `y_in ≥ 1 − x_r`. With `Te = Σ te_v x_v`, `Tc = Σ tc_v (1 − x_v)`,
/// `Tt = Σ tt_u y_u + tt_in y_in`, latency minimizes `Te + Tt + Tc`; throughput minimizes `z`
/// subject to `z ≥ Te`, `z ≥ Tt`, `z ≥ Tc`.
///
/// **Units and scaling.** Times enter GLPK in units of `S / 10⁶` for a scale `S`, an upper bound
/// on the optimum: first the better of all-device and all-server, so GLPK sees coefficients of at
/// most 10⁶ whatever the instance's magnitudes (accepted times span up to ~10³⁰⁸ s), and the
/// objective carries the constant `−10⁶` (`−S`), so values near the optimum are near zero: GLPK
/// prunes a branch whose bound is within `10⁻⁷ · (1 + |incumbent|)` of the incumbent, which is
/// then `10⁻¹³ · S` instead of `10⁻⁷` of the optimum.
/// - a time above `S` cannot occur in an optimal partition, so its variable is fixed instead of
///   entering a row (`te_v > S` fixes `x_v = 0`, `tc_v > S` fixes `x_v = 1`, `tt_u > S` fixes
///   `y_u = 0`), and its term becomes a constant;
/// - a time below `2⁻⁴⁰ · S` counts as zero, which moves any partition's value by at most
///   `(2n + 1) · 2⁻⁴⁰ · S`.
///
/// When the partition found is worth less than `S / 4`, the program is solved again with `S` set
/// to that value (each pass at least 4 times smaller), so the final scale is within a factor 4
/// of the optimum and GLPK's tolerances stay relative to it (the passes share the time limit).
/// Results are reported in seconds.
public enum SurgeryILP {
  /// Times below this fraction of the scale are left out of the program.
  public static let negligibleShare = 0x1p-40
  /// GLPK units per scale `S`.
  static let unitsPerScale = 1e6

  /// Solves `instance` for its own objective with `backend`.
  public static func solve(
    _ instance: SurgeryInstance, backend: any MILPSolver, options: SolverOptions = .init()
  ) throws(MILPValidationError) -> SolverOutcome<Partition> {
    let options = options.startingClock()
    var scale = initialScale(instance)
    var incumbent = initialPartition(instance)
    var passes = 0, elapsed = 0.0
    while true {
      passes += 1
      let (program, x) = formulation(instance, scale: scale)
      // What building and earlier passes left.
      var milpOptions = options.milpOptions
      // The scale's partition (then the last pass's optimum) as a start: besides a first
      // incumbent, it has GLPK solve the relaxation itself and search without its MIP presolver,
      // whose absolute tolerances misjudge rows spanning many orders of magnitude (a feasible
      // program called infeasible, optimal values off by 10⁻⁶).
      milpOptions.initialSolution = start(incumbent, instance, program, x)
      let result: MILPResult
      do {
        result = try backend.solve(program, options: milpOptions)
      } catch where error.kind == .invalidOption && milpOptions.initialSolution != nil {
        milpOptions.initialSolution = nil  // a start rounding put outside a row: solve without
        result = try backend.solve(program, options: milpOptions)
      }
      elapsed += result.solveSeconds
      let partition = result.values.map { values in Partition(onDevice: x.map { values[$0] > 0.5 }) }
      var outcome = SolverOutcome(result, solution: partition, model: program, backend: backend)
      let seconds = { (units: Double) in (units + unitsPerScale) * (scale / unitsPerScale) }
      outcome.objective = outcome.objective.map(seconds)
      outcome.bound = outcome.bound.map(seconds)
      outcome.statistics.counters["passes"] = Double(passes)
      guard let partition else { return outcome }
      let value = SurgeryEvaluator.stageTimes(partition, on: instance).value(for: instance.objective)
      guard result.termination == .optimal, value > 0 && value < scale / 4, options.remainingTime.map({ $0 > 0.001 }) ?? true
      else { return outcome.confirmed(by: value) }
      scale = value
      incumbent = partition
    }
  }

  /// The partition whose value is the first pass's scale: the better of all-device and all-server.
  static func initialPartition(_ instance: SurgeryInstance) -> Partition {
    let model = instance.model
    let (device, server) = (Partition.allOnDevice(model), Partition.allOnServer(model))
    let value = { SurgeryEvaluator.stageTimes($0, on: instance).value(for: instance.objective) }
    return value(device) <= value(server) ? device : server
  }

  /// `partition` as values of `program`'s columns (`x` the layers' columns): every send indicator
  /// its partition needs, `z` the largest stage; `nil` when a column it needs is fixed to 0.
  static func start(_ partition: Partition, _ instance: SurgeryInstance, _ program: MILP, _ x: [Int]) -> [Double]? {
    let model = instance.model
    var values = [Double](repeating: 0, count: program.variables.count)
    for (v, column) in x.enumerated() { values[column] = partition.onDevice[v] ? 1 : 0 }
    for (j, variable) in program.variables.enumerated() {
      let sent: Bool
      if variable.name == "yin" {
        sent = model.layers.indices.contains { model.predecessors[$0].isEmpty && !partition.onDevice[$0] }
      } else if variable.name.hasPrefix("y"), let u = Int(variable.name.dropFirst()) {
        sent = partition.onDevice[u] && model.successors[u].contains { !partition.onDevice[$0] }
      } else {
        continue
      }
      guard !sent || variable.upperBound != 0 else { return nil }
      values[j] = sent ? 1 : 0
    }
    guard let z = program.variables.firstIndex(where: { $0.name == "z" }) else { return values }
    for constraint in program.constraints where constraint.terms.contains(where: { $0.variable == z }) {
      let others = constraint.terms.reduce(0.0) { $1.variable == z ? $0 : $0 + $1.coefficient * values[$1.variable] }
      values[z] = max(values[z], (constraint.lowerBound ?? 0) - others)
    }
    return values
  }

  /// The first pass's program (scaled by the better of all-device and all-server), for tools that
  /// hand it to other solvers.
  public static func model(_ instance: SurgeryInstance) -> MILP { formulation(instance, scale: initialScale(instance)).0 }

  /// The first pass's scale: the better of all-device and all-server, a value the optimum meets.
  static func initialScale(_ instance: SurgeryInstance) -> Double {
    let model = instance.model
    return min(SurgeryEvaluator.stageTimes(.allOnDevice(model), on: instance).value(for: instance.objective),
               SurgeryEvaluator.stageTimes(.allOnServer(model), on: instance).value(for: instance.objective))
  }

  /// The program in units of `scale / unitsPerScale` seconds, and the column of each layer's `x_v`.
  static func formulation(_ instance: SurgeryInstance, scale: Double) -> (MILP, [Int]) {
    let model = instance.model
    let latency = instance.objective == .latency
    /// A time in units of `scale`: `nil` when it exceeds the scale (its choice is then fixed),
    /// zero when negligible.
    func units(_ seconds: Double) -> Double? {
      if seconds > scale { return nil }
      return seconds == 0 || seconds < negligibleShare * scale ? 0 : seconds / scale * unitsPerScale
    }
    let te = instance.deviceLayerSeconds.map(units)
    let tc = instance.serverLayerSeconds.map(units)
    var program = MILP(sense: .minimize, objectiveConstant: -unitsPerScale)
    // Constants: device time of layers fixed on the device, server time of those fixed on the server.
    var fixedDevice = 0.0, fixedServer = 0.0
    var deviceTerms: [MILP.Term] = [], serverTerms: [MILP.Term] = [], serverOfFree = 0.0
    let x = model.layers.indices.map { v in
      let fixed: Double? = te[v] == nil ? 0 : (tc[v] == nil ? 1 : nil)
      let column = program.addVariable(name: "x\(v)", lowerBound: fixed ?? 0, upperBound: fixed ?? 1, kind: .binary,
                                       objective: latency && fixed == nil ? te[v]! - tc[v]! : 0)
      switch fixed {
      case 0: fixedServer += tc[v] ?? 0
      case 1: fixedDevice += te[v] ?? 0
      default:
        if te[v]! > 0 { deviceTerms.append(.init(variable: column, coefficient: te[v]!)) }
        if tc[v]! > 0 { serverTerms.append(.init(variable: column, coefficient: tc[v]!)) }
        serverOfFree += tc[v]!
      }
      return column
    }
    if latency { program.objectiveConstant += fixedDevice + fixedServer + serverOfFree }
    var transferTerms: [MILP.Term] = []
    func sendIndicator(_ name: String, bytes: Double) -> Int {
      let seconds = units(instance.transferSeconds(bytes: bytes))
      let y = program.addVariable(name: name, lowerBound: 0, upperBound: seconds == nil ? 0 : 1, kind: .binary,
                                  objective: latency ? seconds ?? 0 : 0)
      if let seconds, seconds > 0 { transferTerms.append(MILP.Term(variable: y, coefficient: seconds)) }
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
      let negated = { (terms: [MILP.Term]) in terms.map { MILP.Term(variable: $0.variable, coefficient: -$0.coefficient) } }
      program.addConstraint(name: "device", terms: [zTerm] + negated(deviceTerms), lowerBound: fixedDevice)
      program.addConstraint(name: "network", terms: [zTerm] + negated(transferTerms), lowerBound: 0)
      program.addConstraint(name: "server", terms: [zTerm] + serverTerms, lowerBound: serverOfFree + fixedServer)
    }
    return (program, x)
  }
}
